using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace AiTradingBot.Host.Tests.Observability;

/// <summary>
/// An OpenAI-compatible server's model list (<c>GET /v1/models</c>, the call the readiness check makes) over real HTTP
/// on a free loopback port, recording the Authorization headers it received.
/// </summary>
internal sealed class ModelListServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private ModelListServer(WebApplication app, int port)
    {
        _app = app;
        Port = port;
    }

    public int Port { get; }

    public ConcurrentQueue<string> Authorizations { get; } = new();

    public static async Task<ModelListServer> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        ModelListServer? server = null;
        app.MapGet("/v1/models", (HttpContext http) =>
        {
            server!.Authorizations.Enqueue(http.Request.Headers.Authorization.ToString());
            return Results.Json(new { @object = "list", data = new[] { new { id = "test-model", @object = "model", owned_by = "test" } } });
        });
        await app.StartAsync();
        var address = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        server = new ModelListServer(app, address.Port);
        return server;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

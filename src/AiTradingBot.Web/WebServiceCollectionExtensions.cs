using System.Globalization;
using System.Text;
using AiTradingBot.Core.Assistant;
using AiTradingBot.Core.Execution;
using AiTradingBot.Core.Plans.Actions;
using AiTradingBot.Core.Ports;
using AiTradingBot.Web.Api;
using AiTradingBot.Web.Components;
using AiTradingBot.Web.Live;
using AiTradingBot.Web.Security;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using MudBlazor.Services;
using Scalar.AspNetCore;

namespace AiTradingBot.Web;

/// <summary>Registers and maps the web channel: dashboard, REST API, sign-in.</summary>
public static class WebServiceCollectionExtensions
{
    /// <summary>Adds the web channel's services (call before the core so its <see cref="ILoginLinkIssuer"/> is used).</summary>
    public static IServiceCollection AddAiTradingBotWeb(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<WebOptions>().Bind(configuration.GetSection(WebOptions.Section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<WebOptions>, WebOptionsValidator>();
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<WebUsers>();
        services.AddSingleton<LoginLinks>();
        services.AddSingleton<ILoginLinkIssuer>(sp => sp.GetRequiredService<LoginLinks>());
        services.AddSingleton<SignInGuard>();
        services.AddSingleton<CardBoard>();
        // Built at start, not at the first page: it must see the cards Telegram makes before anyone opens the dashboard.
        services.AddHostedService(sp => sp.GetRequiredService<CardBoard>());
        services.AddSingleton<SystemFeed>();
        services.AddSingleton<WebChannel>();
        services.AddSingleton<WebText>();
        services.AddSingleton<PortfolioQueries>();
        services.AddScoped<CommandSession>();
        services.AddSingleton<Microsoft.AspNetCore.Authorization.IAuthorizationHandler, RoleRequirementHandler>();

        var lifetime = configuration.GetValue<TimeSpan?>("Web:SessionLifetime") ?? TimeSpan.FromHours(12);
        services.AddAuthentication(o =>
            {
                o.DefaultScheme = "atb";
                o.DefaultChallengeScheme = "atb";
            })
            .AddPolicyScheme("atb", "cookie or bearer", o => o.ForwardDefaultSelector = http =>
                http.Request.Headers.Authorization.ToString().StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)
                    ? ApiTokenAuthenticationHandler.SchemeName : CookieAuthenticationDefaults.AuthenticationScheme)
            .AddCookie(o =>
            {
                o.Cookie.Name = "atb.session";
                o.Cookie.HttpOnly = true;
                o.Cookie.SameSite = SameSiteMode.Strict;
                o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
                o.ExpireTimeSpan = lifetime;
                o.SlidingExpiration = false;
                o.LoginPath = "/login";
                o.Events.OnValidatePrincipal = ctx =>
                {
                    // Roles are looked up on every request: a user removed from the configuration is signed out at once.
                    var users = ctx.HttpContext.RequestServices.GetRequiredService<WebUsers>();
                    if (users.Resolve(ctx.Principal) is not { Role: not UserRole.None })
                    {
                        ctx.RejectPrincipal();
                        return ctx.HttpContext.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
                    }
                    return Task.CompletedTask;
                };
                o.Events.OnRedirectToLogin = ctx => Deny(ctx, StatusCodes.Status401Unauthorized);
                o.Events.OnRedirectToAccessDenied = ctx => Deny(ctx, StatusCodes.Status403Forbidden);
            })
            .AddScheme<AuthenticationSchemeOptions, ApiTokenAuthenticationHandler>(ApiTokenAuthenticationHandler.SchemeName, null);
        services.AddAuthorizationBuilder()
            .AddPolicy(WebPolicies.Viewer, p => p.AddRequirements(new RoleRequirement(UserRole.Viewer)))
            .AddPolicy(WebPolicies.Admin, p => p.AddRequirements(new RoleRequirement(UserRole.Admin)));
        services.AddCascadingAuthenticationState();
        services.AddAntiforgery(o =>
        {
            o.HeaderName = "X-CSRF-TOKEN";
            o.Cookie.Name = "atb.antiforgery";
            o.Cookie.SameSite = SameSiteMode.Strict;
            o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
        });
        services.Configure<ForwardedHeadersOptions>(o =>
        {
            // Only a proxy on this machine (loopback, the default known proxy) may say which client and scheme it forwards.
            o.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto | ForwardedHeaders.XForwardedHost;
            o.AllowedHosts = configuration.GetSection("Web:TrustedOrigins").Get<string[]>()?.Select(u => new Uri(u).Authority).ToList() ?? [];
        });
        services.AddRazorComponents().AddInteractiveServerComponents(o =>
        {
            // A dropped page keeps its circuit (its component tree) for a while so it can reconnect; every page reads
            // live state anew, so a short window and a small cap are enough and bound the memory of many closed tabs.
            o.DisconnectedCircuitRetentionPeriod = TimeSpan.FromMinutes(1);
            o.DisconnectedCircuitMaxRetained = 20;
        });
        services.AddMudServices();
        services.AddOpenApi("v1", o => o.ShouldInclude = d => d.RelativePath?.StartsWith("api/", StringComparison.Ordinal) == true);
        return services;
    }

    /// <summary>Maps middleware and endpoints: sign-in, API, OpenAPI, API docs (admins), the dashboard.</summary>
    public static WebApplication MapAiTradingBotWeb(this WebApplication app)
    {
        if (!app.Services.GetRequiredService<IOptions<WebOptions>>().Value.Enabled) return app;
        app.UseForwardedHeaders();
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseAntiforgery();

        app.MapGet("/dashboard.css", () => Results.Text(DashboardStyles.Css, "text/css")).AllowAnonymous().ExcludeFromDescription();
        SignInEndpoints.Map(app);
        ApiEndpoints.Map(app);
        app.MapGet("/api/v1/trades.csv", async (HttpContext http, WebChannel web, WebUsers users, int? limit, string? symbol, string? system, CancellationToken ct) =>
        {
            var user = users.Resolve(http.User)!;
            var r = await web.ReadAsync<TradesResult>(user, new PortfolioTradesArgs(Blank(symbol), Blank(system), Math.Clamp(limit ?? 200, 1, 200)), ct);
            var csv = new StringBuilder("time,system,symbol,side,qty,price,fee,realized_pnl,closing,order_id,exec_id\n");
            foreach (var f in r.Fills)
                csv.Append(CultureInfo.InvariantCulture, $"{f.ExecTime:O},{Csv(f.BotId)},{Csv(f.Symbol)},{f.Side},{f.Qty},{f.Price},{f.Fee},{f.RealizedPnl},{f.Closing},{Csv(f.OrderId)},{Csv(f.ExecId)}\n");
            return Results.File(Encoding.UTF8.GetBytes(csv.ToString()), "text/csv", "trades.csv");
        }).RequireAuthorization(WebPolicies.Viewer).WithSummary("Trades as CSV.");
        app.MapOpenApi("/openapi/{documentName}.json").RequireAuthorization(WebPolicies.Viewer);
        app.MapScalarApiReference("/api/docs", o =>
            {
                // Everything from the package: no web fonts, telemetry or proxy on the internet.
                o.WithTitle("AiTradingBot API").WithOpenApiRoutePattern("/openapi/{documentName}.json");
                o.DefaultFonts = false;
                o.Telemetry = false;
                o.ProxyUrl = null;
            })
            .RequireAuthorization(WebPolicies.Admin);
        app.MapRazorComponents<App>().AddInteractiveServerRenderMode();
        return app;
    }

    /// <summary>APIs and the docs answer 401/403; pages send people to the login page.</summary>
    private static Task Deny(Microsoft.AspNetCore.Authentication.RedirectContext<CookieAuthenticationOptions> ctx, int status)
    {
        var path = ctx.Request.Path;
        if (status == StatusCodes.Status401Unauthorized && !path.StartsWithSegments("/api") && !path.StartsWithSegments("/openapi") && !path.StartsWithSegments("/_blazor"))
        {
            ctx.Response.Redirect("/login");
            return Task.CompletedTask;
        }
        ctx.Response.StatusCode = status;
        return Task.CompletedTask;
    }

    private static string? Blank(string? s) => string.IsNullOrWhiteSpace(s) ? null : s.Trim();

    // A leading = + - @ would make a spreadsheet evaluate the cell.
    private static string Csv(string s) => "\"" + (s.Length > 0 && "=+-@".Contains(s[0], StringComparison.Ordinal) ? "'" + s : s).Replace("\"", "\"\"") + "\"";
}

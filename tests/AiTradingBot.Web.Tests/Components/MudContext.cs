using AiTradingBot.Core.Audit;
using Bunit;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor.Services;

namespace AiTradingBot.Web.Tests.Components;

/// <summary>A bUnit context for the dashboard's MudBlazor components: its services, loose JS interop, and <see cref="WebText"/> over a redactor.</summary>
public abstract class MudContext : BunitContext
{
    protected MudContext(SecretRedactor? redactor = null)
    {
        JSInterop.Mode = JSRuntimeMode.Loose;
        Services.AddMudServices();
        Services.AddSingleton(new WebText(redactor ?? SecretRedactor.None, TimeProvider.System));
    }
}

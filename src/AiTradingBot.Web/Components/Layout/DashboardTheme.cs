using MudBlazor;

namespace AiTradingBot.Web.Components.Layout;

/// <summary>The dashboard's MudBlazor theme: the system font stack (no web font is fetched) and the project's colours.</summary>
internal static class DashboardTheme
{
    private static readonly string[] Fonts = ["system-ui", "-apple-system", "DejaVu Sans", "sans-serif"];

    public static MudTheme Theme { get; } = new()
    {
        PaletteLight = new PaletteLight
        {
            Primary = "#1f6feb",
            Error = "#b42318",
            Success = "#1a7f37",
            Warning = "#9a6700",
            Info = "#0969da",
            AppbarBackground = "#24292f",
        },
        Typography = new Typography
        {
            Default = new DefaultTypography { FontFamily = Fonts },
            H6 = new H6Typography { FontFamily = Fonts },
        },
    };
}

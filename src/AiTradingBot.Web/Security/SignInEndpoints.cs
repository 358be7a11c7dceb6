using System.Net;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;

namespace AiTradingBot.Web.Security;

/// <summary>
/// <c>GET /login?token=</c> only shows a page with the sign-in button (link previews fetch with GET and must not
/// spend the token); the button's POST spends it and sets the session cookie. Antiforgery protects the POST.
/// </summary>
internal static class SignInEndpoints
{
    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapGet("/login", (HttpContext http, IAntiforgery antiforgery, string? token, string? error) =>
        {
            var tokens = antiforgery.GetAndStoreTokens(http);
            http.Response.Headers.CacheControl = "no-store";
            http.Response.Headers["Referrer-Policy"] = "no-referrer";
            return Results.Content(Page(token, error, tokens), "text/html; charset=utf-8");
        }).AllowAnonymous().ExcludeFromDescription();

        app.MapPost("/login", async (HttpContext http, [FromForm] string? token, LoginLinks links, SignInGuard guard, WebUsers users, IOptions<WebOptions> options) =>
        {
            var client = ClientOf(http);
            http.Response.Headers.CacheControl = "no-store";
            if (await guard.IsBlockedAsync(client, http.RequestAborted))
            {
                await guard.FailedAsync(client, "too many failed sign-ins", http.RequestAborted);
                return Results.Content(Page(null, "Too many failed sign-ins from your address. Wait a few minutes, then ask for a new link.", null), "text/html; charset=utf-8", statusCode: StatusCodes.Status429TooManyRequests);
            }
            var identity = await links.RedeemAsync(token, http.RequestAborted);
            if (identity is null || users.RoleOf(identity) == Core.Assistant.UserRole.None)
            {
                await guard.FailedAsync(client, identity is null ? "unknown, used or expired link" : "user has no access", http.RequestAborted);
                return Results.Content(Page(null, "This sign-in link is invalid, expired or already used. Ask for a new one: /web on Telegram, or restart run for the operator's link.", null), "text/html; charset=utf-8", statusCode: StatusCodes.Status401Unauthorized);
            }
            await http.SignInAsync(CookieAuthenticationDefaults.AuthenticationScheme, identity.ToClaimsPrincipal(CookieAuthenticationDefaults.AuthenticationScheme),
                new AuthenticationProperties { IsPersistent = true, ExpiresUtc = DateTimeOffset.UtcNow + options.Value.SessionLifetime, AllowRefresh = false });
            await guard.SucceededAsync(client, identity, http.RequestAborted);
            return Results.Redirect("/");
        }).AllowAnonymous().ExcludeFromDescription();

        app.MapPost("/logout", async (HttpContext http, IAntiforgery antiforgery) =>
        {
            if (!await antiforgery.IsRequestValidAsync(http)) return Results.BadRequest();
            await http.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
            return Results.Redirect("/login");
        }).ExcludeFromDescription();
    }

    /// <summary>The client address (the proxy's forwarded address when the proxy is trusted).</summary>
    internal static string ClientOf(HttpContext http) => (http.Connection.RemoteIpAddress ?? IPAddress.None).ToString();

    private static string Page(string? token, string? error, AntiforgeryTokenSet? tokens)
    {
        var e = HtmlEncoder.Default;
        var body = error is not null
            ? $"<p class=\"error\" role=\"alert\">{e.Encode(error)}</p>"
            : string.IsNullOrEmpty(token)
                ? "<p>Open the sign-in link printed by <code>run</code>, or send <code>/web</code> to the bot on Telegram for your own link.</p>"
                : $"""
                   <form method="post" action="/login">
                     <input type="hidden" name="token" value="{e.Encode(token)}">
                     <input type="hidden" name="{e.Encode(tokens!.FormFieldName)}" value="{e.Encode(tokens.RequestToken ?? "")}">
                     <button type="submit" data-testid="sign-in">Sign in</button>
                   </form>
                   <p class="muted">The link works once. Signing in gives this browser the same power as the bot.</p>
                   """;
        return $$"""
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
            <meta name="referrer" content="no-referrer"><title>Sign in · AiTradingBot</title>
            <style>body{font-family:system-ui,sans-serif;max-width:28rem;margin:3rem auto;padding:0 1rem;color:#1b1f24}
            button{font-size:1.1rem;padding:.7rem 1.4rem;border:0;border-radius:.4rem;background:#1f6feb;color:#fff;cursor:pointer}
            .error{color:#b42318;font-weight:600}.muted{color:#57606a;font-size:.9rem}</style></head>
            <body><h1>AiTradingBot</h1>{{body}}</body></html>
            """;
    }
}

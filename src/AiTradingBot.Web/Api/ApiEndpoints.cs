using AiTradingBot.Core.Assistant;
using AiTradingBot.Core.Execution;
using AiTradingBot.Core.Plans;
using AiTradingBot.Core.Plans.Actions;
using AiTradingBot.Core.Ports;
using AiTradingBot.Web.Security;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;

namespace AiTradingBot.Web.Api;

/// <summary>
/// <c>/api/v1</c>: GET routes only read (catalog read actions); POST/DELETE go through the pipeline as the caller.
/// Cookie sessions must send the antiforgery token on POST/DELETE (400 otherwise); bearer tokens need none.
/// </summary>
internal static class ApiEndpoints
{
    public static void Map(IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/v1").RequireAuthorization(WebPolicies.Viewer).AddEndpointFilter(ErrorsFilter).WithTags("AiTradingBot");

        api.MapGet("/systems", async (HttpContext http, WebChannel web, WebText text, CancellationToken ct) =>
        {
            var r = await web.ReadAsync<SystemsReportResult>(User(http), new SystemStatusArgs("all"), ct);
            return Results.Json(r.Systems.Select(s => ApiMapping.ToSystem(s, text)).ToList(), ApiMapping.Json);
        }).WithSummary("Systems with state, uptime, CPU % and memory.");

        api.MapGet("/systems/{name}/logs", async (HttpContext http, WebChannel web, WebText text, string name, int? lines, string? grep, string? since, CancellationToken ct) =>
        {
            var r = await web.ReadAsync<LogsResult>(User(http), new SystemLogsArgs(name, lines ?? 100, string.IsNullOrEmpty(grep) ? null : grep, string.IsNullOrEmpty(since) ? null : since), ct);
            return Results.Json(new LogsDto(r.System, r.Container, r.Lines.Select(l => new LogLineDto(l.Stream.ToString().ToLowerInvariant(), text.Mask(l.Text), l.Timestamp)).ToList()), ApiMapping.Json);
        }).WithSummary("The last log lines of a system (text, secrets masked).");

        api.MapGet("/portfolio/summary", async (HttpContext http, PortfolioQueries q, CancellationToken ct) =>
            Results.Json(await q.SummaryAsync(User(http), ct), ApiMapping.Json)).WithSummary("Mode, equity, balances, open positions, today's PnL, halted.");

        api.MapGet("/positions", async (HttpContext http, WebChannel web, string? symbol, CancellationToken ct) =>
            Results.Json((await web.ReadAsync<PositionsResult>(User(http), new PortfolioPositionsArgs(Empty(symbol)), ct)).Positions, ApiMapping.Json))
            .WithSummary("Open positions with unrealized PnL.");

        api.MapGet("/orders", async (HttpContext http, WebChannel web, string? symbol, CancellationToken ct) =>
            Results.Json((await web.ReadAsync<OrderListResult>(User(http), new OrderListArgs(Empty(symbol)), ct)).Orders, ApiMapping.Json))
            .WithSummary("Open orders.");

        api.MapGet("/trades", async (HttpContext http, WebChannel web, int? limit, string? symbol, string? system, CancellationToken ct) =>
            Results.Json((await web.ReadAsync<TradesResult>(User(http), new PortfolioTradesArgs(Empty(symbol), Empty(system), limit ?? 50), ct)).Fills, ApiMapping.Json))
            .WithSummary("Recent fills, newest first.");

        api.MapGet("/pnl", async (HttpContext http, WebChannel web, string? period, string? system, CancellationToken ct) =>
        {
            if (!TryPeriod(period, out var p)) return Results.Problem("period must be today, yesterday, week, month or all.", statusCode: 400);
            return Results.Json((await web.ReadAsync<PnlResult>(User(http), new PortfolioPnlArgs(p, Empty(system)), ct)).Summary, ApiMapping.Json);
        }).WithSummary("Realized PnL, fees and win rate over a period, in total and per system.");

        api.MapGet("/charts/{kind}.png", async (HttpContext http, WebChannel web, string kind, string? period, string? system, CancellationToken ct) =>
        {
            if (!Enum.TryParse<ChartKind>(kind, ignoreCase: true, out var k) || !Enum.IsDefined(k)) return Results.Problem("kind must be equity or pnl.", statusCode: 400);
            var p = PnlPeriod.Week;
            if (!string.IsNullOrWhiteSpace(period) && !TryPeriod(period, out p)) return Results.Problem("period must be today, yesterday, week, month or all.", statusCode: 400);
            // The same read action as /chart on Telegram: validated, executed and audited by the core.
            var chart = await web.ReadAsync<ChartResult>(User(http), new PortfolioChartArgs(k, p, Empty(system)), ct);
            return Results.File(chart.Png, "image/png");
        }).WithSummary("Chart image (portfolio.chart): equity curve or realized PnL per day, for the period (default week) and optionally one system.");

        api.MapGet("/reports", async (HttpContext http, IReportScheduler scheduler, CancellationToken ct) =>
        {
            var user = User(http);
            // Admins see every schedule; a viewer sees the ones sent to them.
            var list = await scheduler.ListAsync(user.Role == UserRole.Admin ? null : WebChannel.ChatOf(user), ct);
            return Results.Json(list, ApiMapping.Json);
        }).WithSummary("Scheduled reports.");

        api.MapGet("/audit", async (IAuditLog audit, WebText text, int? limit, CancellationToken ct) =>
            Results.Json((await audit.ReadRecentAsync(Math.Clamp(limit ?? 50, 1, 500), ct)).Select(text.Audit).ToList(), ApiMapping.Json))
            .RequireAuthorization(WebPolicies.Admin).WithSummary("Recent audit rows (admins).");

        api.MapPost("/commands", async (HttpContext http, WebChannel web, WebText text, CommandRequest body, CancellationToken ct) =>
        {
            if (string.IsNullOrWhiteSpace(body.Text)) return Results.Problem("Send {\"text\": \"…\"} with a command or a question.", statusCode: 400);
            var user = User(http);
            var reply = await web.SendAsync(user, body.Text, ct);
            var status = reply.Kind == ReplyKind.AccessDenied || (reply.Kind == ReplyKind.Refused && user.Role != UserRole.Admin && reply.Plan?.Confirm == true)
                ? StatusCodes.Status403Forbidden : StatusCodes.Status200OK;
            return Results.Json(ApiMapping.ToResponse(reply, text), ApiMapping.Json, statusCode: status);
        }).AddEndpointFilter(AntiforgeryForCookies).WithSummary("Runs a message through the pipeline as the caller.");

        api.MapPost("/confirmations/{id}", async (HttpContext http, WebChannel web, WebText text, string id, CancellationToken ct) =>
        {
            var reply = await web.ConfirmAsync(User(http), id, ct);
            return Results.Json(ApiMapping.ToResponse(reply, text), ApiMapping.Json, statusCode: StatusFor(reply.Kind, User(http).Role));
        }).AddEndpointFilter(AntiforgeryForCookies).WithSummary("Confirms a waiting plan: only the user who asked; once.");

        api.MapDelete("/confirmations/{id}", async (HttpContext http, WebChannel web, WebText text, string id, CancellationToken ct) =>
        {
            var reply = await web.CancelAsync(User(http), id, ct);
            return Results.Json(ApiMapping.ToResponse(reply, text), ApiMapping.Json, statusCode: StatusFor(reply.Kind, User(http).Role));
        }).AddEndpointFilter(AntiforgeryForCookies).WithSummary("Cancels a waiting plan.");

        api.MapPost("/login-links", async (HttpContext http, LoginLinks links, IOptions<WebOptions> options, TimeProvider time, CancellationToken ct) =>
        {
            var identity = WebIdentity.From(http.User)!;
            var lifetime = options.Value.UserLinkLifetime;
            var url = await links.IssueAsync(identity, lifetime, ct);
            return Results.Json(new LoginLinkDto(url.ToString(), time.GetUtcNow() + lifetime), ApiMapping.Json);
        }).RequireAuthorization(WebPolicies.Admin).AddEndpointFilter(AntiforgeryForCookies).WithSummary("(admin) A fresh single-use dashboard link for the caller.");
    }

    /// <summary>The caller as the core's principal, role looked up now.</summary>
    private static Principal User(HttpContext http) => http.RequestServices.GetRequiredService<WebUsers>().Resolve(http.User)
        ?? throw new WebRequestException(StatusCodes.Status401Unauthorized, ["Sign in first."]);

    private static int StatusFor(ReplyKind kind, UserRole role) => kind switch
    {
        ReplyKind.Done or ReplyKind.Cancelled => StatusCodes.Status200OK,
        ReplyKind.AlreadyHandled => StatusCodes.Status409Conflict,
        ReplyKind.Expired => StatusCodes.Status410Gone,
        ReplyKind.NotYours or ReplyKind.AccessDenied => StatusCodes.Status403Forbidden,
        // A viewer is refused by role (403); an admin's plan refused by risk at confirmation is final (422).
        ReplyKind.Refused => role == UserRole.Admin ? StatusCodes.Status422UnprocessableEntity : StatusCodes.Status403Forbidden,
        _ => StatusCodes.Status422UnprocessableEntity,
    };

    private static string? Empty(string? s) => string.IsNullOrWhiteSpace(s) ? null : s.Trim();

    private static bool TryPeriod(string? s, out PnlPeriod period)
    {
        period = PnlPeriod.Today;
        return string.IsNullOrWhiteSpace(s) || Enum.TryParse(s, ignoreCase: true, out period) && Enum.IsDefined(period);
    }

    /// <summary>Cookie sessions must prove the request came from our page; bearer requests carry no ambient credentials.</summary>
    private static async ValueTask<object?> AntiforgeryForCookies(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var bearer = http.Request.Headers.Authorization.ToString().StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase);
        if (!bearer)
        {
            var antiforgery = http.RequestServices.GetRequiredService<IAntiforgery>();
            if (!await antiforgery.IsRequestValidAsync(http))
                return Results.Problem("The antiforgery token is missing or invalid: send the X-CSRF-TOKEN header from the page.", statusCode: StatusCodes.Status400BadRequest);
        }
        return await next(context);
    }

    private static async ValueTask<object?> ErrorsFilter(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        try
        {
            return await next(context);
        }
        catch (WebRequestException e)
        {
            // A message may quote what came back from a system or the venue: masked like every other text.
            var text = context.HttpContext.RequestServices.GetRequiredService<WebText>();
            return Results.Problem(text.Mask(string.Join(" ", e.Messages)), statusCode: e.Status);
        }
    }
}

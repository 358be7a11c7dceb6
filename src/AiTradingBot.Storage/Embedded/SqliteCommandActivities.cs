using System.Data.Common;
using System.Diagnostics;
using System.Runtime.CompilerServices;
using AiTradingBot.Core.Telemetry;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace AiTradingBot.Storage.Embedded;

/// <summary>
/// A client span per command batch EF sends to the embedded SQLite file (Npgsql has its own ActivitySource;
/// Microsoft.Data.Sqlite has none). Costs nothing while no tracer listens: <c>StartActivity</c> returns null.
/// The span carries the operation word only, never the statement or its parameters.
/// </summary>
internal sealed class SqliteCommandActivities : DbCommandInterceptor
{
    /// <summary>The one instance every context shares.</summary>
    public static readonly SqliteCommandActivities Instance = new();

    private readonly ConditionalWeakTable<DbCommand, Activity> _open = new();

    private void Start(DbCommand command)
    {
        var operation = Operation(command.CommandText);
        var activity = AiTradingBotTelemetry.Activities.StartActivity("sqlite " + operation, ActivityKind.Client);
        if (activity is null) return;
        activity.SetTag("db.system", "sqlite");
        activity.SetTag("db.operation", operation);
        _open.AddOrUpdate(command, activity);
    }

    private void Stop(DbCommand command, Exception? error = null)
    {
        if (!_open.TryGetValue(command, out var activity)) return;
        _open.Remove(command);
        if (error is not null) activity.SetStatus(ActivityStatusCode.Error, error.GetType().Name);
        activity.Dispose();
    }

    /// <summary>The statement's first keyword (SELECT, INSERT, …): a bounded span name.</summary>
    internal static string Operation(string sql)
    {
        var span = sql.AsSpan().TrimStart();
        var end = 0;
        while (end < span.Length && char.IsLetter(span[end])) end++;
        return end == 0 ? "command" : span[..end].ToString().ToUpperInvariant();
    }

    public override InterceptionResult<DbDataReader> ReaderExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result)
    { Start(command); return result; }

    public override ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
    { Start(command); return ValueTask.FromResult(result); }

    public override DbDataReader ReaderExecuted(DbCommand command, CommandExecutedEventData eventData, DbDataReader result)
    { Stop(command); return result; }

    public override ValueTask<DbDataReader> ReaderExecutedAsync(DbCommand command, CommandExecutedEventData eventData, DbDataReader result, CancellationToken cancellationToken = default)
    { Stop(command); return ValueTask.FromResult(result); }

    public override InterceptionResult<int> NonQueryExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<int> result)
    { Start(command); return result; }

    public override ValueTask<InterceptionResult<int>> NonQueryExecutingAsync(DbCommand command, CommandEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
    { Start(command); return ValueTask.FromResult(result); }

    public override int NonQueryExecuted(DbCommand command, CommandExecutedEventData eventData, int result)
    { Stop(command); return result; }

    public override ValueTask<int> NonQueryExecutedAsync(DbCommand command, CommandExecutedEventData eventData, int result, CancellationToken cancellationToken = default)
    { Stop(command); return ValueTask.FromResult(result); }

    public override InterceptionResult<object> ScalarExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<object> result)
    { Start(command); return result; }

    public override ValueTask<InterceptionResult<object>> ScalarExecutingAsync(DbCommand command, CommandEventData eventData, InterceptionResult<object> result, CancellationToken cancellationToken = default)
    { Start(command); return ValueTask.FromResult(result); }

    public override object? ScalarExecuted(DbCommand command, CommandExecutedEventData eventData, object? result)
    { Stop(command); return result; }

    public override ValueTask<object?> ScalarExecutedAsync(DbCommand command, CommandExecutedEventData eventData, object? result, CancellationToken cancellationToken = default)
    { Stop(command); return ValueTask.FromResult(result); }

    public override void CommandFailed(DbCommand command, CommandErrorEventData eventData) => Stop(command, eventData.Exception);

    public override Task CommandFailedAsync(DbCommand command, CommandErrorEventData eventData, CancellationToken cancellationToken = default)
    { Stop(command, eventData.Exception); return Task.CompletedTask; }

    public override void CommandCanceled(DbCommand command, CommandEndEventData eventData) => Stop(command);

    public override Task CommandCanceledAsync(DbCommand command, CommandEndEventData eventData, CancellationToken cancellationToken = default)
    { Stop(command); return Task.CompletedTask; }
}

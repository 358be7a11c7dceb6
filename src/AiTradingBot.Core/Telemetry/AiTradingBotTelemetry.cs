using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace AiTradingBot.Core.Telemetry;

/// <summary>
/// The product's one meter and one activity source. Instruments are named so the Prometheus exporter produces the
/// documented names (dots become underscores, counters get <c>_total</c>, the unit <c>s</c> gives <c>_seconds</c>).
/// Labels carry only bounded, non-secret values (channel, action, status, host name, venue, outcome).
/// </summary>
public static class AiTradingBotTelemetry
{
    /// <summary>The meter and activity source name that exporters subscribe to.</summary>
    public const string Name = "AiTradingBot";

    /// <summary>Spans: one per message (interpret → check → gate → execute) with a child per step and external call.</summary>
    public static readonly ActivitySource Activities = new(Name);

    /// <summary>The meter every instrument below belongs to.</summary>
    public static readonly Meter Meter = new(Name);

    // Seconds buckets from 1 ms to 60 s: the SDK default (0..10000) assumes milliseconds.
    private static readonly InstrumentAdvice<double> SecondsAdvice = new()
    {
        HistogramBucketBoundaries = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
    };

    private static Histogram<double> Seconds(string name, string description) =>
        Meter.CreateHistogram(name, "s", description, tags: null, advice: SecondsAdvice);

    /// <summary>aitradingbot_messages_total{channel,decision}.</summary>
    public static readonly Counter<long> Messages = Meter.CreateCounter<long>("aitradingbot.messages", description: "Messages handled by the pipeline, by channel and decision.");
    /// <summary>aitradingbot_message_duration_seconds{channel}.</summary>
    public static readonly Histogram<double> MessageDuration = Seconds("aitradingbot.message.duration", "Time from a message's arrival to its typed reply.");
    /// <summary>aitradingbot_steps_total{action,status}.</summary>
    public static readonly Counter<long> Steps = Meter.CreateCounter<long>("aitradingbot.steps", description: "Plan steps executed, by catalog action and status.");
    /// <summary>aitradingbot_step_duration_seconds{action}.</summary>
    public static readonly Histogram<double> StepDuration = Seconds("aitradingbot.step.duration", "Time one plan step took to execute.");
    /// <summary>aitradingbot_confirmations_total{outcome}.</summary>
    public static readonly Counter<long> Confirmations = Meter.CreateCounter<long>("aitradingbot.confirmations", description: "Confirmation presses, by outcome.");
    /// <summary>aitradingbot_access_denied_total{channel}.</summary>
    public static readonly Counter<long> AccessDenied = Meter.CreateCounter<long>("aitradingbot.access_denied", description: "Messages and presses refused because the user is not authorized.");
    /// <summary>aitradingbot_docker_requests_total{host,operation,outcome}.</summary>
    public static readonly Counter<long> DockerRequests = Meter.CreateCounter<long>("aitradingbot.docker.requests", description: "Docker Engine API requests, by host, operation and outcome.");
    /// <summary>aitradingbot_docker_request_duration_seconds{host,operation}.</summary>
    public static readonly Histogram<double> DockerRequestDuration = Seconds("aitradingbot.docker.request.duration", "Docker Engine API request time.");
    /// <summary>aitradingbot_container_restarts_total{system}.</summary>
    public static readonly Counter<long> ContainerRestarts = Meter.CreateCounter<long>("aitradingbot.container.restarts", description: "Container restarts observed, by system.");
    /// <summary>aitradingbot_orders_total{venue,outcome}.</summary>
    public static readonly Counter<long> Orders = Meter.CreateCounter<long>("aitradingbot.orders", description: "Orders sent, by venue and outcome.");
    /// <summary>aitradingbot_order_duration_seconds{venue}.</summary>
    public static readonly Histogram<double> OrderDuration = Seconds("aitradingbot.order.duration", "Time from sending an order to the venue's answer.");
    /// <summary>aitradingbot_fills_ingested_total{source}.</summary>
    public static readonly Counter<long> FillsIngested = Meter.CreateCounter<long>("aitradingbot.fills.ingested", description: "Fills committed to the fill store, by source.");
    /// <summary>aitradingbot_fill_ingest_lag_seconds: execution time to committed.</summary>
    public static readonly Histogram<double> FillIngestLag = Seconds("aitradingbot.fill.ingest.lag", "Time from a fill's execution to its commit.");
    /// <summary>aitradingbot_fills_dead_lettered_total.</summary>
    public static readonly Counter<long> FillsDeadLettered = Meter.CreateCounter<long>("aitradingbot.fills.dead_lettered", description: "Fills that could not be stored and were dead-lettered.");
    /// <summary>aitradingbot_exchange_stream_messages_total{topic}.</summary>
    public static readonly Counter<long> ExchangeStreamMessages = Meter.CreateCounter<long>("aitradingbot.exchange.stream.messages", description: "Messages received on the exchange stream, by topic.");
    /// <summary>aitradingbot_exchange_stream_reconnects_total.</summary>
    public static readonly Counter<long> ExchangeStreamReconnects = Meter.CreateCounter<long>("aitradingbot.exchange.stream.reconnects", description: "Exchange stream reconnects.");
    /// <summary>aitradingbot_model_requests_total{outcome}.</summary>
    public static readonly Counter<long> ModelRequests = Meter.CreateCounter<long>("aitradingbot.model.requests", description: "Language-model requests, by outcome.");
    /// <summary>aitradingbot_model_request_duration_seconds.</summary>
    public static readonly Histogram<double> ModelRequestDuration = Seconds("aitradingbot.model.request.duration", "Language-model request time.");
    /// <summary>aitradingbot_model_tokens_total{kind}: input/output tokens when the server reports them.</summary>
    public static readonly Counter<long> ModelTokens = Meter.CreateCounter<long>("aitradingbot.model.tokens", description: "Tokens the model server reported, by kind (input, output).");
    /// <summary>aitradingbot_reports_sent_total{kind,late}.</summary>
    public static readonly Counter<long> ReportsSent = Meter.CreateCounter<long>("aitradingbot.reports.sent", description: "Scheduled reports sent, by kind and whether they were late.");

    private static Func<bool?> _halted = () => null;
    private static Func<int?> _systemsRunning = () => null;

    /// <summary>aitradingbot_trading_halted (0/1); reported once a source is set.</summary>
    public static readonly ObservableGauge<int> TradingHalted = Meter.CreateObservableGauge("aitradingbot.trading_halted",
        () => _halted() is { } h ? [new Measurement<int>(h ? 1 : 0)] : Array.Empty<Measurement<int>>(), description: "1 while trading is halted.");

    /// <summary>aitradingbot_systems_running; reported once a source is set.</summary>
    public static readonly ObservableGauge<int> SystemsRunning = Meter.CreateObservableGauge("aitradingbot.systems_running",
        () => _systemsRunning() is { } n ? [new Measurement<int>(n)] : Array.Empty<Measurement<int>>(), description: "Managed systems whose container is running.");

    /// <summary>Sets where the gauges read from (cached values: a scrape never calls a port).</summary>
    public static void ObserveGauges(Func<bool?> halted, Func<int?> systemsRunning)
    {
        _halted = halted;
        _systemsRunning = systemsRunning;
    }

    /// <summary>
    /// Starts timing one Docker Engine API call (span and metrics); call <see cref="DockerRequest.Finish"/> once.
    /// <paramref name="operation"/> is a phrase of the adapter's; anything from the first quote on (a container or image name) is cut off.
    /// </summary>
    public static DockerRequest StartDockerRequest(string host, string operation)
    {
        // The adapter's phrases name containers in quotes ("inspect container 'alpha'"); the label keeps the words
        // before them, so the label set stays small.
        operation = operation.Split('\'', 2)[0].Trim();
        var activity = Activities.StartActivity("docker " + operation, ActivityKind.Client);
        activity?.SetTag("aitradingbot.docker.host", host);
        activity?.SetTag("aitradingbot.docker.operation", operation);
        return new DockerRequest(host, operation, Stopwatch.GetTimestamp(), activity);
    }

    /// <summary>A bounded operation label: the method and the path with container and exec ids replaced, no query.</summary>
    public static string DockerOperation(string method, string path)
    {
        var segments = path.Split('?', 2)[0].Trim('/').Split('/');
        if (segments.Length >= 2 && segments[0] is "containers" or "exec" && segments[1] is not ("json" or "create"))
            segments[1] = "{id}";
        return method + " /" + string.Join('/', segments);
    }

    /// <summary>One Docker call in flight.</summary>
    public readonly record struct DockerRequest(string Host, string Operation, long Started, Activity? Activity)
    {
        /// <summary>Records the outcome (ok, not_found, error, timeout, unreachable) and ends the span.</summary>
        public void Finish(string outcome)
        {
            DockerRequests.Add(1, new("host", Host), new("operation", Operation), new("outcome", outcome));
            DockerRequestDuration.Record(Stopwatch.GetElapsedTime(Started).TotalSeconds, new("host", Host), new("operation", Operation));
            Activity?.SetTag("aitradingbot.outcome", outcome);
            if (outcome != "ok") Activity?.SetStatus(ActivityStatusCode.Error);
            Activity?.Dispose();
        }
    }

    /// <summary>Places an order through the port with a span, aitradingbot_orders_total and aitradingbot_order_duration_seconds.</summary>
    public static async Task<Trading.OrderResult> PlaceOrderAsync(Ports.IExchange exchange, Trading.OrderRequest request, CancellationToken ct)
    {
        var venue = exchange.Mode.Live ? exchange.Mode.Venue.ToLowerInvariant() : "paper";
        using var activity = Activities.StartActivity("exchange place_order", ActivityKind.Client);
        activity?.SetTag("aitradingbot.venue", venue);
        var started = Stopwatch.GetTimestamp();
        var outcome = "error";
        try
        {
            var result = await exchange.PlaceOrderAsync(request, ct).ConfigureAwait(false);
            outcome = result.Accepted ? "accepted" : "rejected";
            return result;
        }
        finally
        {
            activity?.SetTag("aitradingbot.outcome", outcome);
            Orders.Add(1, new("venue", venue), new("outcome", outcome));
            OrderDuration.Record(Stopwatch.GetElapsedTime(started).TotalSeconds, new KeyValuePair<string, object?>("venue", venue));
        }
    }

    /// <summary>The decision label for a reply kind.</summary>
    public static string Decision(Assistant.ReplyKind kind) => kind switch
    {
        Assistant.ReplyKind.Done => "done",
        Assistant.ReplyKind.AwaitingConfirmation => "awaiting",
        Assistant.ReplyKind.Refused or Assistant.ReplyKind.Error => "refused",
        Assistant.ReplyKind.Clarify => "clarify",
        Assistant.ReplyKind.AccessDenied => "denied",
        _ => "none",
    };
}

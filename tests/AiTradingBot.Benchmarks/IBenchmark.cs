namespace AiTradingBot.Benchmarks;

/// <summary>One benchmark: runs, measures and returns its figures (serialized as JSON by Program).</summary>
public interface IBenchmark
{
    /// <summary>Short name used on the command line, e.g. <c>core</c>, <c>docker</c>.</summary>
    string Name { get; }

    /// <summary>What it measures, one line.</summary>
    string Description { get; }

    /// <summary>Runs and returns the figures (an anonymous object or record serialized to JSON).</summary>
    Task<object> RunAsync(string[] args, CancellationToken ct);
}

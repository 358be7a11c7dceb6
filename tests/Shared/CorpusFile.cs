namespace AiTradingBot.Testing;

/// <summary>Locates the NL corpus copied next to the test assembly.</summary>
public static class CorpusFile
{
    /// <summary>Full path of a corpus file such as dev.jsonl.</summary>
    public static string Path(string name) => System.IO.Path.Combine(AppContext.BaseDirectory, "corpus", name);
}

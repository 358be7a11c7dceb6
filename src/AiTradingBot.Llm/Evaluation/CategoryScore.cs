namespace AiTradingBot.Llm.Evaluation;

/// <summary>Accuracy of one category.</summary>
public sealed record CategoryScore(EvalCategory Category, int Total, int Correct, int Unsafe)
{
    /// <summary>Correct / total (0 when empty).</summary>
    public double Accuracy => Total == 0 ? 0 : (double)Correct / Total;
}

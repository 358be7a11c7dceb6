using Xunit;

namespace AiTradingBot.Testing;

/// <summary>
/// Where integration tests find their real peers. scripts/test.sh starts the servers and exports these variables;
/// under it (ATB_REQUIRE_INTEGRATION=1, as in CI) a missing server fails the test, under a plain
/// <c>dotnet test</c> it skips with the reason.
/// </summary>
public static class Integration
{
    /// <summary>True when integration peers are mandatory (scripts/test.sh, CI).</summary>
    public static bool Required => Environment.GetEnvironmentVariable("ATB_REQUIRE_INTEGRATION") == "1";

    /// <summary>The value of an environment variable naming a peer, or skip/fail with a clear reason.</summary>
    public static string Require(string variable, string what)
    {
        var value = Environment.GetEnvironmentVariable(variable);
        if (!string.IsNullOrWhiteSpace(value)) return value;
        var reason = $"{what} is not available: {variable} is not set (./scripts/test.sh starts it).";
        if (Required) Assert.Fail(reason);
        Assert.Skip(reason);
        return "";
    }
}

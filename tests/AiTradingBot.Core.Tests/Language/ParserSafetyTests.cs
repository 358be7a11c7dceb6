using AiTradingBot.Core.Language;
using AiTradingBot.Core.Plans;
using AiTradingBot.Core.Systems;
using Xunit;

namespace AiTradingBot.Core.Tests.Language;

/// <summary>
/// Properties that must hold for any input: no exception (not even a swallowed one), bounded input, and no gated step
/// out of a negation, a hypothetical, a request for advice or a question about a state-changing action.
/// </summary>
public sealed class ParserSafetyTests
{
    private static readonly OfflineParser Parser = new(SystemRegistry.Default);
    private static readonly SlashCommandParser Slash = new(SystemRegistry.Default);

    /// <summary>Commands that on their own are gated plans (checked by the first test, so the properties below are not vacuous).</summary>
    private static readonly string[] GatedCommands =
    [
        "stop alpha", "stop bravo", "shut down charlie", "terminate the shortseller", "halt lxalgo", "kill bravo",
        "start alpha", "deploy bravo", "launch charlie", "bring charlie back up", "spin up alpha", "deploy all systems",
        "restart alpha", "reboot the momentum system", "restart everything", "restart the database", "bounce bravo",
        "stop all trading systems", "run the health check on alpha", "execute health on bravo",
        "hit the kill switch", "emergency stop", "resume trading",
        "buy 0.1 btc", "sell 2 eth", "long 0.5 sol", "short 1000 doge", "buy 0.1 btc at 45000", "buy $500 of eth",
        "sell 1 eth if it rises above 4k", "buy 0.2 btc with stop loss at 42000 and take profit at 48000",
        "long 1 eth with 5x leverage", "buy 0.01 btc spot", "buy 45k worth of btc",
        "cancel all my orders", "cancel my btc orders", "close my eth position", "close half my btc",
        "close all positions", "flatten everything", "sell all my doge", "stop alpha and show me the last 100 lines",
        "restart bravo then show its status", "cancel all orders and stop alpha", "close my eth position and show my balance",
        // Forms added for issue 21: fractions and amounts, money first, condition first, leverage idioms, exits, spelled numbers, typos.
        "sell half an eth", "sell half my eth", "buy a quarter of a btc", "close a quarter of my sol", "halve my btc position",
        "throw $300 at eth", "allocate 200 usdt to sol", "I want 150 dollars of avax", "$120 of btc please",
        "once eth rises above 4k, sell 1", "the moment btc drops under 60k grab 0.1", "if sol falls below 120, buy 3",
        "open a 5x short on 2 sol", "2x long half an eth", "go short 2 eth with 3x",
        "get me out of eth", "take me flat on everything", "dump my whole sol position", "buy two sol", "restrat alpha", "reboot chralie",
    ];

    private static readonly string[] Negations =
    [
        "don't {0}", "do not {0}", "dont {0}", "never {0}", "please don't {0}", "I don't want you to {0}",
        "don't {0}!", "Do NOT {0}", "you shouldn't {0}", "no need to {0}", "never ever {0}", "I said don't {0}",
    ];

    private static readonly string[] Hypotheticals =
    [
        "what if I {0}?", "what would happen if I {0}?", "what happens if we {0}", "should I {0}?", "should we {0} now?",
        "is it a good idea to {0}?", "is it safe to {0}?", "would it be wise to {0}?", "do you think I should {0}?",
        "maybe {0}?", "I'm thinking about whether to {0}", "hypothetically, {0}", "suppose I {0}", "imagine we {0}",
        "would you recommend that I {0}?", "what do you think, {0}?", "can I {0}?", "how do I {0}?", "is now a good time to {0}?",
        "would it hurt to {0}?", "perhaps {0}", "what would you do, {0}?",
    ];

    /// <summary>Reports of the past and of what someone else said are statements, not instructions (issue 21).</summary>
    private static readonly string[] Statements =
    [
        "someone told me to {0}", "my friend said to {0}", "my broker suggested I {0}", "he said we should {0}",
        "I read that you should {0}", "they recommended to {0}",
    ];

    public static IEnumerable<TheoryDataRow<string>> ReportedCommands() =>
        GatedCommands.SelectMany(c => Statements.Select(n => new TheoryDataRow<string>(string.Format(n, c))));

    public static IEnumerable<TheoryDataRow<string>> NegatedCommands() =>
        GatedCommands.SelectMany(c => Negations.Select(n => new TheoryDataRow<string>(string.Format(n, c))));

    public static IEnumerable<TheoryDataRow<string>> HypotheticalCommands() =>
        GatedCommands.SelectMany(c => Hypotheticals.Select(h => new TheoryDataRow<string>(string.Format(h, c))));

    [Fact]
    public void Every_generator_command_is_a_gated_plan_on_its_own()
    {
        foreach (var command in GatedCommands)
        {
            var plan = Parser.Parse(command);
            Assert.True(plan.Kind == PlanKind.Plan && plan.Confirm, $"\"{command}\" should be a gated plan, got {PlanJson.Serialize(plan)}");
        }
    }

    [Theory]
    [MemberData(nameof(NegatedCommands))]
    public void A_negated_command_never_yields_a_gated_step(string text) => AssertNoGatedStep(text);

    [Theory]
    [MemberData(nameof(ReportedCommands))]
    public void Reported_speech_never_yields_a_gated_step(string text) => AssertNoGatedStep(text);

    [Theory]
    [MemberData(nameof(HypotheticalCommands))]
    public void A_hypothetical_or_advice_question_never_yields_a_gated_step(string text) => AssertNoGatedStep(text);

    [Theory]
    [InlineData("don't stop alpha")]
    [InlineData("should I buy btc now?")]
    [InlineData("what would happen if I stopped bravo?")]
    [InlineData("do not cancel my orders")]
    public void Negations_and_hypotheticals_are_nothing_with_a_reason(string text)
    {
        var plan = Parser.Parse(text);
        Assert.Equal(PlanKind.None, plan.Kind);
        Assert.False(string.IsNullOrWhiteSpace(plan.Reason));
    }

    [Fact]
    public void Random_text_never_throws_or_fails_inside_the_parser()
    {
        var random = new Random(20240611);
        const string alphabet = "abcdefghijklmnopqrstuvwxyz ABCXYZ 0123456789 .,;:!?'\"$%@#&*()-_/\\+=<>[]{}|~`^ \t\n€£¥ äöüßé ñ 中文 日本 🚀💰🔥 \u200b\u00a0\ud83d";
        for (var i = 0; i < 5000; i++)
        {
            var length = random.Next(0, 120);
            var chars = new char[length];
            for (var k = 0; k < length; k++) chars[k] = alphabet[random.Next(alphabet.Length)];
            AssertHandled(new string(chars));
        }
    }

    [Fact]
    public void Garbled_mixes_of_real_vocabulary_never_throw()
    {
        var random = new Random(7);
        string[] words =
        [
            "stop", "alpha", "and", "then", "its", "logs", "buy", "0.1", "btc", "at", "45k", "$45,000", ".5", "a", "hundred", "when", "it",
            "drops", "below", "sl", "tp", "5x", "close", "half", "%", "cancel", "all", "orders", "every", "monday", "at", "9:30", "8am",
            "report", "pnl", "daily", "them", "it", "don't", "what", "if", "?", ",", "last", "10", "minutes", "lines", "\"error\"",
            "charlie's", "x5", "1.5k", "2m", "million", "twenty", "five", "third", "killswitch", "panic", "resume", "/", "-", "@",
            "ETHUSDT", "btc/usdt", "eth-perp", "0", "-1", "99999999999999999999999999999999", "1e9", "..5", "5..", "$", "k", "%%",
        ];
        for (var i = 0; i < 5000; i++)
        {
            var count = random.Next(1, 25);
            var text = string.Join(random.Next(3) == 0 ? "" : " ", Enumerable.Range(0, count).Select(_ => words[random.Next(words.Length)]));
            AssertHandled(text);
            AssertHandled("/" + text);
        }
    }

    [Fact]
    public void Very_long_input_is_refused_without_parsing()
    {
        var text = string.Concat(Enumerable.Repeat("stop alpha and ", 200));
        var plan = Parser.Parse(text);
        Assert.Equal(PlanKind.None, plan.Kind);
        Assert.Contains("too long", plan.Reason);
        Assert.Equal(PlanKind.None, Parser.Parse(new string('9', 100_000)).Kind);
    }

    [Fact]
    public void Input_at_the_length_limit_is_still_parsed()
    {
        var text = "stop alpha" + new string(' ', OfflineParser.MaxLength - "stop alpha".Length);
        Assert.Equal(PlanKind.Plan, Parser.Parse(text).Kind);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("\n\t")]
    [InlineData("?!.,")]
    [InlineData("🚀🚀🚀")]
    [InlineData("\0\0")]
    public void Empty_or_symbol_only_input_is_nothing(string text) => Assert.Equal(PlanKind.None, Parser.Parse(text).Kind);

    [Fact]
    public void Null_input_is_nothing() => Assert.Equal(PlanKind.None, Parser.Parse(null!).Kind);

    [Fact]
    public void Parsing_is_deterministic()
    {
        foreach (var command in GatedCommands)
            Assert.True(Parser.Parse(command).SameStepsAs(Parser.Parse(command)));
    }

    private static void AssertNoGatedStep(string text)
    {
        var plan = Parser.Parse(text);
        Assert.False(plan.Confirm, $"\"{text}\" produced a gated step: {PlanJson.Serialize(plan)}");
        Assert.NotEqual(OfflineParser.InternalErrorReason, plan.Reason);
    }

    private static void AssertHandled(string text)
    {
        var plan = SlashCommandParser.IsSlashCommand(text) ? Slash.Parse(text) : Parser.Parse(text);
        Assert.NotEqual(OfflineParser.InternalErrorReason, plan.Reason);
        Assert.NotEqual(SlashCommandParser.InternalErrorReason, plan.Reason);
        Assert.Equal(text, plan.Input);
        if (plan.Kind == PlanKind.Plan) Assert.NotEmpty(plan.Steps);
        else Assert.Empty(plan.Steps);
        if (plan.Kind == PlanKind.Clarify) Assert.False(string.IsNullOrWhiteSpace(plan.Clarify));
        _ = PlanJson.Serialize(plan);
    }
}

using System.Collections.Frozen;

namespace AiTradingBot.Core.Language;

/// <summary>
/// The offline parser's vocabulary: word classes by role. Words are lower-case and already normalized by the
/// tokenizer (contractions expanded, phrases such as "stop loss" → <c>sl</c>, "shut down" → <c>stop</c> merged).
/// </summary>
internal static class Lexicon
{
    private static FrozenSet<string> Set(params string[] words) => words.ToFrozenSet(StringComparer.Ordinal);

    public static readonly FrozenSet<string> StopVerbs = Set("stop", "halt", "terminate", "kill", "pause", "suspend", "disable", "deactivate", "quit");
    public static readonly FrozenSet<string> StartVerbs = Set("start", "deploy", "launch", "boot", "activate", "enable", "unpause", "resume", "spawn", "initiate", "reenable", "restore", "revive");
    public static readonly FrozenSet<string> RestartVerbs = Set("restart", "reboot", "bounce", "cycle", "recycle", "reload", "relaunch", "redeploy", "reset", "kick", "rerun", "refresh");
    public static readonly FrozenSet<string> ParticleHeads = Set("shut", "turn", "switch", "power", "bring", "spin", "take", "fire", "boot", "wake", "get", "put", "pull", "start", "kick");
    public static readonly FrozenSet<string> UpParticles = Set("up", "on", "online", "back", "running", "going", "started");
    public static readonly FrozenSet<string> DownParticles = Set("down", "off", "offline");
    public static readonly FrozenSet<string> ExecVerbs = Set("run", "execute", "exec", "perform", "trigger", "invoke", "do", "fire");
    public static readonly FrozenSet<string> BuyVerbs = Set("buy", "purchase", "long", "acquire", "accumulate", "bid");
    public static readonly FrozenSet<string> SellVerbs = Set("sell", "short", "dump", "offload", "unload");

    /// <summary>Buy verbs only when an amount or a coin follows ("grab 0.1 btc", but "grab the logs").</summary>
    public static readonly FrozenSet<string> AmountBuyVerbs = Set("grab", "snag", "scoop", "get", "nab", "fetch");

    /// <summary>Verbs that put money into a coin ("throw $300 at eth", "allocate 200 usdt to sol"): a notional buy.</summary>
    public static readonly FrozenSet<string> MoneyVerbs = Set("throw", "allocate", "put", "spend", "invest", "plonk", "toss", "stick", "park", "chuck", "commit", "drop", "use", "grab", "get", "want", "please", "buy", "deploy", "add", "move", "transfer", "bet", "wager", "splash", "plough", "plow", "pour");

    /// <summary>Past-tense reports ("I restarted charlie earlier", "bravo crashed last night"): statements, not commands.</summary>
    public static readonly FrozenSet<string> PastVerbs = Set("restarted", "stopped", "started", "crashed", "died", "failed", "rebooted", "deployed", "killed", "halted", "paused",
        "launched", "bought", "sold", "shorted", "longed", "closed", "cancelled", "canceled", "opened", "exited", "placed", "traded", "made", "lost", "earned", "went", "was", "were",
        "broke", "dumped", "pumped", "liquidated", "flattened", "happened", "bounced", "terminated", "resumed", "froze", "hung", "tanked", "mooned", "rallied", "spiked", "crashed",
        "shut", "rekt", "got", "had", "did", "turned", "ran", "executed", "filled", "purchased", "exploded", "collapsed", "gained", "dropped", "fell", "rose", "climbed", "hit", "touched", "reached", "crossed", "dipped", "surged", "jumped",
        "told", "said", "asked", "suggested", "recommended", "mentioned", "advised", "thought", "heard", "saw", "tweeted", "posted", "wanted");

    /// <summary>Reported speech ("my friend said to get out of btc"): what someone else said is not an instruction.</summary>
    public static readonly FrozenSet<string> ReportingVerbs = Set("told", "said", "asked", "suggested", "recommended", "mentioned", "advised", "thought", "heard", "saw", "tweeted", "posted", "wanted");

    /// <summary>Ordinary English words one edit from a command word: known, so never "corrected" into one.</summary>
    public static readonly FrozenSet<string> NotTypos = Set("smart", "stars", "stare", "stark", "clone", "chose", "grade", "grades", "trace", "black", "block", "stock", "stocks",
        "sales", "scale", "borders", "border", "lodge", "prize", "pride", "prime", "slice", "shore", "score", "store", "stole", "stone",
        "blues", "cause", "coast", "cloud", "could", "would", "should", "staff", "stuff", "still", "stall", "spell", "smell", "shell", "sells", "bells", "tells");

    /// <summary>Plural nouns for the whole fleet in a status question ("how are my bots doing").</summary>
    public static readonly FrozenSet<string> FleetPlurals = Set("bots", "systems", "services", "containers", "things", "algos", "strategies", "traders", "engines", "servers");
    public static readonly FrozenSet<string> CloseVerbs = Set("close", "flatten", "exit", "liquidate", "unwind", "square", "reduce", "trim", "cut");
    public static readonly FrozenSet<string> CancelVerbs = Set("cancel", "revoke", "withdraw", "pull", "remove", "delete", "clear", "kill", "drop", "scrap", "cancell", "nuke");
    public static readonly FrozenSet<string> ReportStopVerbs = Set("stop", "cancel", "unschedule", "remove", "delete", "disable", "end", "kill", "drop", "unsubscribe", "nomore", "pause", "mute", "halt", "deactivate", "scrap", "quit");
    public static readonly FrozenSet<string> SendVerbs = Set("send", "email", "deliver", "post", "push", "generate", "create", "produce", "share", "dm", "message", "mail", "forward", "prepare", "compile");
    public static readonly FrozenSet<string> ViewVerbs = Set("show", "display", "list", "get", "give", "view", "print", "fetch", "tell", "see", "check", "inspect", "read", "pull", "bring", "grab", "find", "what", "gimme", "lemme", "need", "want");
    public static readonly FrozenSet<string> PlaceVerbs = Set("place", "put", "submit", "create", "open", "enter", "make", "set");

    public static readonly FrozenSet<string> StatusStrong = Set("status", "sitrep", "state", "health", "uptime", "overview", "situation", "dashboard", "statuses", "states", "condition");
    public static readonly FrozenSet<string> StatusWeak = Set("up", "down", "running", "alive", "online", "offline", "working", "stopped", "crashed", "dead", "doing", "healthy", "ok", "okay", "fine", "responding", "live", "started", "restarted", "functioning", "operational", "active", "going", "whatsup", "check", "look", "alright",
        "crash", "crashes", "die", "dies", "fail", "fails", "failing", "good");
    public static readonly FrozenSet<string> DiagNouns = Set("diagnostics", "diagnostic", "diag", "diags", "diagnose", "cpu", "memory", "mem", "ram", "resources", "resource", "usage", "load", "restarts", "metrics", "stats", "statistics", "disk", "utilization", "utilisation", "consumption", "vitals");
    public static readonly FrozenSet<string> LogNouns = Set("logs", "log", "intel", "tail", "lines", "line", "output", "errors", "error", "warnings", "warning", "exceptions", "exception", "logfile", "stdout", "stderr", "journal", "logging", "traceback", "tracebacks");
    public static readonly FrozenSet<string> TradeNouns = Set("trades", "trade", "fills", "fill", "executions", "history", "transactions", "filled");
    public static readonly FrozenSet<string> OrderNouns = Set("orders", "order", "bids", "asks");
    public static readonly FrozenSet<string> PositionNouns = Set("positions", "position", "holdings", "holding", "exposure", "exposures", "bags", "bag", "unrealized", "upnl", "hold", "holds");
    public static readonly FrozenSet<string> PnlNouns = Set("pnl", "profit", "profits", "loss", "losses", "performance", "earnings", "gains", "gain", "returns", "return", "made", "make", "earn", "earned", "lost", "lose", "realized", "roi", "profitable", "winning", "losing");
    public static readonly FrozenSet<string> BalanceNouns = Set("balance", "balances", "wallet", "funds", "equity", "money", "cash", "margin", "account", "capital", "portfolio", "collateral");
    public static readonly FrozenSet<string> PriceNouns = Set("price", "prices", "cost", "costs", "worth", "value", "quote", "ticker", "tradingat", "rate", "chart", "priced", "quoted", "trading");
    public static readonly FrozenSet<string> HelpNouns = Set("help", "commands", "menu", "capabilities", "features", "manual", "instructions", "tutorial", "guide", "command");
    public static readonly FrozenSet<string> ReportNouns = Set("report", "reports", "summary", "summaries", "digest", "briefing", "recap");
    public static readonly FrozenSet<string> KillswitchWords = Set("killswitch", "panic", "emergency");
    public static readonly FrozenSet<string> ResumeWords = Set("resume", "unhalt", "unfreeze");

    public static readonly FrozenSet<string> AllWords = Set("all", "everything", "every", "everyone", "entire", "whole", "fleet");
    public static readonly FrozenSet<string> SystemFillers = Set("system", "systems", "bot", "bots", "service", "services", "container", "containers", "server", "servers", "app", "apps", "process", "processes", "instance", "instances", "algo", "algos", "strategy", "strategies", "engine", "engines", "stack", "node", "nodes", "machine", "machines", "trader", "traders");
    public static readonly FrozenSet<string> Pronouns = Set("it", "its", "them", "their", "they", "those", "these", "same", "him", "her", "itself");
    public static readonly FrozenSet<string> PluralPronouns = Set("them", "their", "they", "those", "these");
    public static readonly FrozenSet<string> QuestionStarts = Set("did", "does", "do", "has", "have", "had", "was", "were", "why", "when", "how", "who", "where", "which", "is", "are", "what", "cani", "whom", "whose", "am");
    public static readonly FrozenSet<string> HypotheticalWords = Set("whatif", "shouldi", "should", "ifi", "doyouthink", "recommend", "recommendation", "goodidea", "thinking", "suppose", "supposing", "imagine", "hypothetically", "hypothetical", "theoretically", "pretend", "maybe", "perhaps", "might", "advice", "advise", "opinion", "thoughts", "suggest", "suggestion", "ought", "wise", "worthwhile", "wouldnt", "bullish", "bearish", "predict", "prediction", "forecast");
    public static readonly FrozenSet<string> ConditionalWords = Set("if", "when", "once", "unless", "whenever", "after", "before", "until", "provided");
    public static readonly FrozenSet<string> Chit = Set("hello", "hi", "hey", "yo", "hiya", "howdy", "greetings", "thanks", "cheers", "ok", "okay", "k", "kk", "cool", "nice", "great", "awesome", "perfect", "good", "lol", "haha", "bye", "goodbye", "nevermind", "whatsup", "howareyou", "whoareyou", "yes", "no", "yep", "nope", "yeah", "sure", "morning", "gm", "gn", "cya", "welcome", "sorry", "oops", "hmm", "hm", "test", "testing", "ping", "wow", "amazing", "excellent", "brilliant", "appreciate", "appreciated", "alright", "fine", "got", "understood", "noted", "ack", "roger", "bot", "there", "much", "very", "so", "a", "lot", "buddy", "mate", "friend", "dude", "man", "sir", "again", "you", "your", "rock", "doing", "well", "is", "that", "it", "all", "for", "now", "today", "this", "the", "to", "and", "i", "am", "are", "how", "what", "up");

    /// <summary>Words that carry no meaning of their own for the grammar.</summary>
    public static readonly FrozenSet<string> Fillers = Set(
        "the", "a", "an", "my", "our", "your", "me", "us", "i", "we", "you", "please", "canyou", "kindly", "now", "quickly",
        "again", "just", "of", "on", "for", "from", "in", "into", "to", "at", "with", "by", "about", "is", "are", "was", "were",
        "be", "been", "being", "am", "do", "does", "did", "have", "has", "had", "can", "could", "would", "will", "shall", "may",
        "must", "what", "how", "which", "where", "why", "who", "there", "here", "this", "that", "some", "any", "anything", "more",
        "less", "right", "currently", "current", "also", "too", "as", "well", "only", "so", "than", "and", "or", "but", "then",
        "let", "know", "see", "like", "tell", "need", "want", "go", "ahead", "thing", "things", "stuff", "bit", "real", "quick",
        "fast", "soon", "possible", "thanks", "hey", "ok", "okay", "yo", "hi", "hello", "pronto", "today", "currently", "presently",
        "moment", "sir", "mate", "buddy", "boss", "team", "guys", "looks", "seems", "looking", "seem", "look", "stuck", "frozen",
        "hung", "broken", "lagging", "slow", "acting", "weird", "misbehaving", "urgent", "urgently", "asap", "immediately",
        "via", "using", "through", "one", "both", "either", "other", "others", "rest", "remaining", "also", "too", "right",
        "new", "old", "last", "latest", "recent", "first", "most", "few", "couple", "much", "many", "howmuch", "howmany",
        "doing", "done", "happening", "going", "over", "under", "out", "off", "back", "up", "down", "around", "across",
        "after", "before", "since", "past", "ago", "until", "yet", "still", "already", "ever", "never", "not", "no", "yes",
        "whole", "entire", "every", "all", "everything", "else", "own", "trading", "market", "markets", "live", "paper",
        "it", "its", "them", "their", "they", "those", "these", "same", "instead", "either", "neither", "both", "whether",
        "if", "when", "once", "unless", "whenever", "get", "got", "give", "gimme", "lemme", "show", "display", "list",
        "again", "anymore", "nomore", "keep", "keeps", "kept", "seems", "causing", "issues", "problems", "problem", "issue",
        "error", "errors", "time", "hanging", "dying", "crashing", "looping", "spamming", "wrong", "bad", "please", "thx");

    public static readonly FrozenSet<string> Negations = Set("not", "never", "nomore", "neither", "nor", "without", "avoid", "refrain", "dont");

    public static readonly FrozenSet<string> WeekdayNames = Set("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
        "mondays", "tuesdays", "wednesdays", "thursdays", "fridays", "saturdays", "sundays", "mon", "tue", "tues", "wed", "thu", "thur", "thurs", "fri", "sat", "sun",
        "weekday", "weekdays", "weekend", "weekends", "workday", "workdays");

    public static readonly FrozenSet<string> ScheduleWords = Set("every", "hourly", "daily", "weekly", "monthly", "schedule", "recurring", "regularly", "nightly", "noon", "midnight", "morning", "evening", "night", "afternoon");

    /// <summary>Every word the grammar knows, so anything else can be reported as unknown (e.g. a system name).</summary>
    public static readonly FrozenSet<string> Known = new[]
    {
        StopVerbs, StartVerbs, RestartVerbs, ParticleHeads, UpParticles, DownParticles, ExecVerbs, BuyVerbs, SellVerbs, CloseVerbs,
        CancelVerbs, ReportStopVerbs, SendVerbs, ViewVerbs, PlaceVerbs, StatusStrong, StatusWeak, DiagNouns, LogNouns,
        TradeNouns, OrderNouns, PositionNouns, PnlNouns, BalanceNouns, PriceNouns, HelpNouns, ReportNouns, KillswitchWords,
        ResumeWords, AllWords, SystemFillers, Pronouns, QuestionStarts, HypotheticalWords, ConditionalWords, Chit, Fillers,
        Negations, WeekdayNames, ScheduleWords,
        Set("sl", "tp", "target", "leverage", "lev", "levered", "leveraged", "limit", "spot", "perp", "perpetual", "futures",
            "future", "linear", "contract", "contracts", "reduceonly", "usdt", "usd", "usdc", "dollars", "dollar", "bucks",
            "worth", "below", "under", "beneath", "above", "over", "drops", "drop", "falls", "fall", "dips", "dip", "sinks",
            "declines", "rises", "rise", "climbs", "climb", "breaks", "break", "crosses", "cross", "hits", "hit", "reaches",
            "reach", "goes", "touches", "pumps", "dumps", "exceeds", "higher", "lower", "half", "third", "thirds", "quarter",
            "quarters", "percent", "minutes", "minute", "hours", "hour", "seconds", "second", "days", "day", "weeks", "week",
            "months", "month", "h", "m", "s", "d", "w", "yesterday", "alltime", "lifetime", "overall", "total", "inception",
            "pnl", "sitrep", "daily", "weekly", "monthly", "scheduled", "schedules", "unschedule", "grep", "containing",
            "matching", "mentioning", "filter", "filtered", "only", "lines", "entries", "rows", "coin", "coins", "token",
            "tokens", "pair", "pairs", "symbol", "symbols", "price", "long", "short", "longs", "shorts", "side", "size",
            "amount", "quantity", "qty", "some", "few", "entry", "exit", "tomorrow", "tonight", "morning", "evening", "am",
            "pm", "oclock", "then", "whatsup", "help", "canyou", "please", "up", "trading", "noon", "midnight", "tenth", "tenths",
            "fifth", "fifths", "halves", "flat", "table", "overall", "full", "general", "global", "earlier", "ago", "last", "night",
            "mean", "means", "meaning", "define", "definition", "explain", "difference", "who", "whom", "whose", "worth", "hold"),
        AmountBuyVerbs, MoneyVerbs, PastVerbs, FleetPlurals, NotTypos,
    }.SelectMany(s => s).ToFrozenSet(StringComparer.Ordinal);
}

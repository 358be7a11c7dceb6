namespace AiTradingBot.Web;

/// <summary>The web channel (<c>Web:</c>): dashboard, REST API and sign-in.</summary>
public sealed class WebOptions
{
    /// <summary>Configuration section name.</summary>
    public const string Section = "Web";

    /// <summary>Serves the dashboard and the API (default on).</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Base URL put into sign-in links, e.g. https://bot.example.com behind a proxy; default: the first of <c>Http:Urls</c>.</summary>
    public string? PublicUrl { get; set; }

    /// <summary>How long a signed-in session lasts (absolute, not sliding).</summary>
    public TimeSpan SessionLifetime { get; set; } = TimeSpan.FromHours(12);

    /// <summary>Lifetime of the link printed at start for the local operator.</summary>
    public TimeSpan OperatorLinkLifetime { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Lifetime of a link asked for with /web or <c>POST /api/v1/login-links</c>.</summary>
    public TimeSpan UserLinkLifetime { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Prints the operator's sign-in link when <c>run</c> starts.</summary>
    public bool PrintLoginLink { get; set; } = true;

    /// <summary>Failed sign-ins allowed per client address within <see cref="SignInFailureWindow"/>; more get 429.</summary>
    public int MaxFailedSignIns { get; set; } = 10;

    /// <summary>Window over which failed sign-ins are counted.</summary>
    public TimeSpan SignInFailureWindow { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>How often open pages refresh system state (the live push interval).</summary>
    public TimeSpan LiveInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Origins (scheme://host[:port]) of TLS reverse proxies allowed to forward to us; their X-Forwarded-* headers are trusted.</summary>
    public List<string> TrustedOrigins { get; set; } = [];

    /// <summary>API tokens for scripts, configured by hash only: <c>Web:ApiTokens:&lt;name&gt;:Sha256/Role/UserId</c>.</summary>
    public Dictionary<string, ApiTokenOptions> ApiTokens { get; set; } = new(StringComparer.OrdinalIgnoreCase);
}

/// <summary>One API token: the hex SHA-256 of the token, the role and the user it acts as.</summary>
public sealed class ApiTokenOptions
{
    /// <summary>Hex SHA-256 of the bearer token (64 hex digits).</summary>
    public string Sha256 { get; set; } = "";

    /// <summary>Admin or Viewer.</summary>
    public string Role { get; set; } = "Viewer";

    /// <summary>The user the token acts as (audit rows name it).</summary>
    public string UserId { get; set; } = "";
}

using System.Globalization;
using System.Net;
using System.Text;
using StackExchange.Redis;

namespace AiTradingBot.Redis;

/// <summary>
/// Where and how to connect, parsed from a connection string of the form
/// <c>host:port[,password=…][,user=…][,defaultDatabase=N][,ssl=true|false][,sslCaFile=path][,connectTimeout=ms][,commandTimeout=ms][,name=…][,protocol=resp2|resp3]</c>
/// (port defaults to 6379), turned into StackExchange.Redis settings by <see cref="ToConfiguration"/>. Our own
/// grammar (not the library's) so a typo is rejected at start and <see cref="ToString"/> never shows the password.
/// </summary>
public sealed record RedisConnectionOptions
{
    /// <summary>Default TCP port of Redis.</summary>
    public const int DefaultPort = 6379;

    /// <summary>Host name or IP address.</summary>
    public required string Host { get; init; }

    /// <summary>TCP port.</summary>
    public int Port { get; init; } = DefaultPort;

    /// <summary>ACL user name (Redis 6+); null means the default user.</summary>
    public string? User { get; init; }

    /// <summary>Password for <c>AUTH</c>; null sends no AUTH.</summary>
    public string? Password { get; init; }

    /// <summary>Database number selected on every connection (<c>SELECT</c>).</summary>
    public int Database { get; init; }

    /// <summary>Wrap the connection in TLS.</summary>
    public bool Ssl { get; init; }

    /// <summary>PEM file of the CA(s) that sign the server's certificate (a private CA); null trusts the system store.</summary>
    public string? SslCaFile { get; init; }

    /// <summary>How long one connection attempt (TCP, TLS, AUTH, SELECT) may take.</summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>How long a command waits for its reply (including waiting for a reconnect).</summary>
    public TimeSpan CommandTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Client name shown by <c>CLIENT LIST</c>; null sets none.</summary>
    public string? ClientName { get; init; }

    /// <summary>
    /// Wire protocol. RESP2 by default (chosen deliberately): pub/sub gets its own socket, so a burst of notifications
    /// never queues in front of a confirmation's GETDEL, and Lua replies keep their documented RESP2 shapes.
    /// </summary>
    public RedisProtocol Protocol { get; init; } = RedisProtocol.Resp2;

    /// <summary>Where these options came from, named in error messages (e.g. <c>Redis:ConnectionString</c>).</summary>
    public string Source { get; init; } = DefaultSource;

    /// <summary>The configuration key of the connection string.</summary>
    public const string DefaultSource = "Redis:ConnectionString";

    /// <summary><c>host:port</c>, for messages and logs.</summary>
    public string Endpoint => Host.Contains(':') ? $"[{Host}]:{Port}" : $"{Host}:{Port}";

    /// <summary>Parses a connection string; throws <see cref="FormatException"/> naming the bad part (never echoing a password).</summary>
    public static RedisConnectionOptions Parse(string connectionString, string source = DefaultSource)
    {
        if (string.IsNullOrWhiteSpace(connectionString))
            throw new FormatException($"{source} is empty; expected host:port[,password=...][,defaultDatabase=N].");
        var parts = connectionString.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        string? host = null;
        var port = DefaultPort;
        string? user = null, password = null, name = null;
        int database = 0;
        bool ssl = false;
        string? sslCaFile = null;
        var connectTimeout = TimeSpan.FromSeconds(5);
        var commandTimeout = TimeSpan.FromSeconds(5);
        var protocol = RedisProtocol.Resp2;
        foreach (var part in parts)
        {
            var eq = part.IndexOf('=');
            if (eq < 0)
            {
                if (host is not null) throw new FormatException($"{source} names more than one endpoint ('{host}' and '{part}'); one server is supported.");
                (host, port) = ParseEndpoint(part, source);
                continue;
            }
            var key = part[..eq].Trim();
            var value = part[(eq + 1)..].Trim();
            switch (key.ToLowerInvariant())
            {
                case "password": password = value.Length == 0 ? null : value; break;
                case "user": user = value.Length == 0 ? null : value; break;
                case "defaultdatabase":
                    database = ParseInt(key, value, source, 0, 1_000_000);
                    break;
                case "ssl": ssl = ParseBool(key, value, source); break;
                case "sslcafile": sslCaFile = value.Length == 0 ? null : value; break;
                case "connecttimeout": connectTimeout = TimeSpan.FromMilliseconds(ParseInt(key, value, source, 1, 600_000)); break;
                case "commandtimeout":
                case "synctimeout":
                case "asynctimeout":
                    commandTimeout = TimeSpan.FromMilliseconds(ParseInt(key, value, source, 1, 600_000)); break;
                case "name": name = value.Length == 0 ? null : value; break;
                case "protocol":
                    protocol = value.ToLowerInvariant() switch
                    {
                        "resp2" or "2" => RedisProtocol.Resp2,
                        "resp3" or "3" => RedisProtocol.Resp3,
                        _ => throw new FormatException($"{source}: protocol must be resp2 or resp3, not '{value}'."),
                    };
                    break;
                case "abortconnect":
                    // Accepted for compatibility with common Redis connection strings: we always use abortConnect=false.
                    ParseBool(key, value, source);
                    break;
                default:
                    throw new FormatException($"{source} has an unknown option '{key}'. Known: password, user, defaultDatabase, ssl, sslCaFile, connectTimeout, commandTimeout, name, protocol.");
            }
        }
        if (host is null) throw new FormatException($"{source} has no host:port.");
        if (user is not null && password is null) throw new FormatException($"{source} sets user= without password=.");
        if (sslCaFile is not null && !ssl) throw new FormatException($"{source} sets sslCaFile= without ssl=true.");
        if (sslCaFile is not null && !File.Exists(sslCaFile)) throw new FormatException($"{source}: the sslCaFile '{sslCaFile}' does not exist.");
        return new RedisConnectionOptions
        {
            Host = host,
            Port = port,
            User = user,
            Password = password,
            Database = database,
            Ssl = ssl,
            SslCaFile = sslCaFile,
            ConnectTimeout = connectTimeout,
            CommandTimeout = commandTimeout,
            ClientName = name,
            Protocol = protocol,
            Source = source,
        };
    }

    /// <summary>The connection string with the password replaced by <c>*****</c>.</summary>
    public override string ToString()
    {
        var sb = new StringBuilder(Endpoint);
        if (User is not null) sb.Append(",user=").Append(User);
        if (Password is not null) sb.Append(",password=*****");
        if (Database != 0) sb.Append(",defaultDatabase=").Append(Database.ToString(CultureInfo.InvariantCulture));
        if (Ssl) sb.Append(",ssl=true");
        if (Protocol != RedisProtocol.Resp2) sb.Append(",protocol=resp3");
        return sb.ToString();
    }

    /// <summary>
    /// The StackExchange.Redis settings: never abort on a failed connect (the host starts and the multiplexer keeps
    /// retrying with exponential backoff, 100 ms doubling up to 5 s), commands issued while disconnected wait in the
    /// backlog for at most the command timeout, and a private CA (<see cref="SslCaFile"/>) is the only issuer trusted.
    /// </summary>
    public ConfigurationOptions ToConfiguration()
    {
        var config = new ConfigurationOptions
        {
            EndPoints = { IPAddress.TryParse(Host, out var ip) ? new IPEndPoint(ip, Port) : new DnsEndPoint(Host, Port) },
            User = User,
            Password = Password,
            DefaultDatabase = Database,
            Ssl = Ssl,
            ConnectTimeout = (int)ConnectTimeout.TotalMilliseconds,
            SyncTimeout = (int)CommandTimeout.TotalMilliseconds,
            AsyncTimeout = (int)CommandTimeout.TotalMilliseconds,
            ClientName = ClientName,
            Protocol = Protocol,
            AbortOnConnectFail = false,
            ConnectRetry = 1,
            ReconnectRetryPolicy = new ExponentialRetry(100, 5000),
            BacklogPolicy = BacklogPolicy.Default,
        };
        if (Ssl) config.SslHost = Host;
        if (SslCaFile is not null) config.TrustIssuer(SslCaFile);
        return config;
    }

    private static (string Host, int Port) ParseEndpoint(string text, string source)
    {
        // [::1]:6379, host:6379, host
        string host;
        string? portText = null;
        if (text.StartsWith('['))
        {
            var close = text.IndexOf(']');
            if (close < 0) throw new FormatException($"{source} has an invalid endpoint '{text}'.");
            host = text[1..close];
            if (close + 1 < text.Length)
            {
                if (text[close + 1] != ':') throw new FormatException($"{source} has an invalid endpoint '{text}'.");
                portText = text[(close + 2)..];
            }
        }
        else
        {
            var colon = text.LastIndexOf(':');
            host = colon < 0 ? text : text[..colon];
            portText = colon < 0 ? null : text[(colon + 1)..];
        }
        if (host.Length == 0) throw new FormatException($"{source} has an endpoint without a host: '{text}'.");
        var port = DefaultPort;
        if (portText is not null && (!int.TryParse(portText, NumberStyles.None, CultureInfo.InvariantCulture, out port) || port is < 1 or > 65535))
            throw new FormatException($"{source} has an invalid port in '{text}'.");
        return (host, port);
    }

    private static int ParseInt(string key, string value, string source, int min, int max) =>
        int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n >= min && n <= max
            ? n
            : throw new FormatException($"{source}: {key} must be a whole number from {min} to {max}, not '{value}'.");

    private static bool ParseBool(string key, string value, string source) =>
        bool.TryParse(value, out var b) ? b : throw new FormatException($"{source}: {key} must be true or false, not '{value}'.");
}

using System.CommandLine;
using AiTradingBot.Core.Language;
using AiTradingBot.Hosting;
using Microsoft.Extensions.Options;

namespace AiTradingBot.Cli;

/// <summary>
/// The command line: <c>parse</c>, <c>ask</c>, <c>chat</c>, <c>run</c>, <c>migrate</c>, <c>eval</c>. In-process entry for
/// tests: every verb writes only to the given writers and returns its exit code.
/// </summary>
public static class CliApp
{
    /// <summary>Runs the command line; <paramref name="configuration"/> overrides appsettings and environment.</summary>
    public static async Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr, IReadOnlyDictionary<string, string?>? configuration = null, TextReader? stdin = null)
    {
        var root = new RootCommand("AiTradingBot: a natural-language trading assistant. Every message becomes a typed plan; risk checks it; state changes wait for your confirmation.");
        var io = new CliIo(stdout, stderr, stdin ?? TextReader.Null, configuration);
        root.Add(ParseVerb.Create(io));
        root.Add(AskVerb.Create(io));
        root.Add(ChatVerb.Create(io));
        root.Add(RunVerb.Create(io));
        root.Add(MigrateVerb.Create(io));
        root.Add(EvalVerb.Create(io));
        root.Add(CatalogVerb.Create(io));
        try
        {
            return await root.Parse(args).InvokeAsync(new InvocationConfiguration { Output = stdout, Error = stderr, EnableDefaultExceptionHandler = false }).ConfigureAwait(false);
        }
        catch (OptionsValidationException e)
        {
            await stderr.WriteLineAsync("Configuration is invalid:").ConfigureAwait(false);
            foreach (var failure in e.Failures) await stderr.WriteLineAsync($"  - {failure}").ConfigureAwait(false);
            return 1;
        }
        catch (Exception e) when (e is InvalidOperationException or FormatException or IOException or UnauthorizedAccessException)
        {
            await stderr.WriteLineAsync($"Error: {e.Message}").ConfigureAwait(false);
            return 1;
        }
    }
}

/// <summary>Writers, reader and configuration overrides shared by the verbs.</summary>
public sealed record CliIo(TextWriter Out, TextWriter Error, TextReader In, IReadOnlyDictionary<string, string?>? Overrides)
{
    /// <summary>Builds the service provider for a one-shot verb and validates options at start.</summary>
    public ServiceProvider BuildServices(LogLevel level = LogLevel.Warning, IReadOnlyDictionary<string, string?>? extra = null)
    {
        var overrides = Overrides?.ToDictionary() ?? new Dictionary<string, string?>();
        foreach (var (k, v) in extra ?? new Dictionary<string, string?>()) overrides[k] = v;
        var configuration = HostComposition.BuildConfiguration(overrides);
        var services = new ServiceCollection().AddAiTradingBot(configuration, level);
        var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = false, ValidateScopes = true });
        provider.GetService<IStartupValidator>()?.Validate();
        return provider;
    }
}

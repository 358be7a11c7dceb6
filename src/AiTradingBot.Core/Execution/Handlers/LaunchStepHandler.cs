using System.Text.RegularExpressions;
using AiTradingBot.Core.Configuration;
using AiTradingBot.Core.Containers;
using AiTradingBot.Core.Plans;
using AiTradingBot.Core.Plans.Actions;
using AiTradingBot.Core.Ports;
using AiTradingBot.Core.Systems;
using Microsoft.Extensions.Options;

namespace AiTradingBot.Core.Execution.Handlers;

/// <summary>
/// Launches bot containers from configured templates and removes them again. Only the template's image, argv and
/// environment are used (parameters fill placeholders), launched containers carry the managed label, and configured
/// systems are never removed.
/// </summary>
public sealed partial class LaunchStepHandler(IContainerRuntime runtime, SystemRegistry systems, IOptions<LaunchOptions> options, IKeyValueStore store) : IStepHandler
{
    /// <summary>The label every launched container carries.</summary>
    public const string ManagedLabel = "aitradingbot.managed";

    [GeneratedRegex(@"\A[a-z0-9][a-z0-9_-]{0,40}\z")]
    private static partial Regex ValidName();

    /// <inheritdoc />
    public IReadOnlyCollection<Type> Handles { get; } = [typeof(SystemLaunchArgs), typeof(SystemRemoveArgs)];

    /// <inheritdoc />
    public async Task<StepResult> ExecuteAsync(ActionArgs args, StepContext context, CancellationToken ct)
    {
        switch (args)
        {
            case SystemLaunchArgs a:
            {
                if (!options.Value.Templates.TryGetValue(a.Template, out var t))
                    throw new StepFailedException(options.Value.Templates.Count == 0
                        ? "No launch templates are configured (Launch:Templates)."
                        : $"Unknown template '{a.Template}'. Configured: {string.Join(", ", options.Value.Templates.Keys.Order())}.");
                var name = a.Name.ToLowerInvariant();
                if (!ValidName().IsMatch(name)) throw new StepFailedException($"'{a.Name}' is not a valid bot name: use letters, digits, - and _ (at most 41).");
                if (systems.Find(name) is not null) throw new StepFailedException($"'{name}' is a configured system; pick another name.");
                string Fill(string v) => v.Replace("{name}", name, StringComparison.Ordinal).Replace("{symbol}", a.Symbol ?? "", StringComparison.Ordinal);
                var env = t.Environment.ToDictionary(kv => kv.Key, kv => Fill(kv.Value));
                env["BOT_NAME"] = name;
                if (a.Symbol is not null) env["SYMBOL"] = a.Symbol;
                var labels = new Dictionary<string, string>
                {
                    [ManagedLabel] = "true", ["aitradingbot.template"] = a.Template, ["aitradingbot.launched-by"] = context.User.UserName ?? context.User.UserId,
                };
                // The template says which host the bot lives on; the limits keep one bot from starving the others there.
                var info = await runtime.OnHost(ContainerHosts.Normalize(t.Host)).LaunchAsync(new LaunchRequest(name, t.Image, t.Command.Count == 0 ? null : t.Command, env, labels,
                    TimeSpan.FromSeconds(t.StopTimeoutSeconds), t.RestartPolicy, t.MemoryMb * 1024L * 1024L, t.Cpus), ct).ConfigureAwait(false);
                return new LaunchResult(info);
            }
            case SystemRemoveArgs a:
            {
                if (systems.Find(a.Name) is not null) throw new StepFailedException($"'{a.Name}' is a configured system; it is never removed.");
                var (hostName, host) = await FindHostAsync(a.Name, ct).ConfigureAwait(false);
                var info = await host.InspectAsync(a.Name, ct).ConfigureAwait(false);
                if (!info.Labels.TryGetValue(ManagedLabel, out var managed) || managed != "true")
                    throw new StepFailedException($"{a.Name} was not launched by the assistant (no {ManagedLabel} label); it is never removed.");
                // Removing a running bot kills it first: the watcher must not report that death as unexpected.
                await store.SetAsync(ContainerHosts.ExpectedChangeKey(hostName, a.Name), "1", TimeSpan.FromMinutes(2), ct).ConfigureAwait(false);
                await host.RemoveAsync(a.Name, force: true, ct).ConfigureAwait(false);
                return new RemoveResult(a.Name);
            }
            default:
                throw new StepFailedException($"{args.GetType().Name} is not a launch action.");
        }
    }

    /// <summary>
    /// The host where a launched bot lives: the only host, or the one whose managed containers include it (a bot name is
    /// looked for on every host concurrently; the same name on two hosts is refused rather than guessed).
    /// </summary>
    private async Task<(string Name, IContainerRuntime Runtime)> FindHostAsync(string name, CancellationToken ct)
    {
        if (runtime.Hosts.Count <= 1)
        {
            var only = runtime.Hosts.Count == 1 ? runtime.Hosts[0] : ContainerHosts.Default;
            return (only, runtime.OnHost(only));
        }
        var found = await Task.WhenAll(runtime.Hosts.Select(async h =>
        {
            try
            {
                var managed = await runtime.OnHost(h).ListAsync($"{ManagedLabel}=true", ct).ConfigureAwait(false);
                return managed.Any(c => string.Equals(c.Name, name, StringComparison.Ordinal)) ? h : null;
            }
            catch (ContainerRuntimeException)
            {
                return null; // an unreachable host cannot hold the bot we are about to remove
            }
        })).ConfigureAwait(false);
        var hosts = found.OfType<string>().ToList();
        return hosts.Count switch
        {
            1 => (hosts[0], runtime.OnHost(hosts[0])),
            0 => throw new StepFailedException($"No container named {name} was launched by the assistant on any host ({string.Join(", ", runtime.Hosts)})."),
            _ => throw new StepFailedException($"{name} exists on several hosts ({string.Join(", ", hosts)}); remove it on the host by hand."),
        };
    }
}

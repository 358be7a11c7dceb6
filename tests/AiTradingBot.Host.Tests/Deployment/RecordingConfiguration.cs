using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Primitives;

namespace AiTradingBot.Host.Tests.Deployment;

/// <summary>
/// Wraps a configuration and records the path of every value the host reads (indexers and <c>Value</c>), so a test
/// can ask "does the host read this key at all?". The options binder reads each property's section, and each item
/// of a list or dictionary, through these members.
/// </summary>
internal sealed class RecordingConfiguration(IConfiguration inner, Action<string> read) : IConfiguration
{
    /// <inheritdoc />
    public string? this[string key]
    {
        get { read(key); return inner[key]; }
        set => inner[key] = value;
    }

    /// <inheritdoc />
    public IConfigurationSection GetSection(string key) => new RecordingSection(inner.GetSection(key), read);

    /// <inheritdoc />
    public IEnumerable<IConfigurationSection> GetChildren() => inner.GetChildren().Select(c => new RecordingSection(c, read));

    /// <inheritdoc />
    public IChangeToken GetReloadToken() => inner.GetReloadToken();

    private sealed class RecordingSection(IConfigurationSection section, Action<string> read) : IConfigurationSection
    {
        public string? this[string key]
        {
            get { read(ConfigurationPath.Combine(section.Path, key)); return section[key]; }
            set => section[key] = value;
        }

        public string Key => section.Key;

        public string Path => section.Path;

        public string? Value
        {
            get { read(section.Path); return section.Value; }
            set => section.Value = value;
        }

        public IConfigurationSection GetSection(string key) => new RecordingSection(section.GetSection(key), read);

        public IEnumerable<IConfigurationSection> GetChildren() => section.GetChildren().Select(c => new RecordingSection(c, read));

        public IChangeToken GetReloadToken() => section.GetReloadToken();
    }
}

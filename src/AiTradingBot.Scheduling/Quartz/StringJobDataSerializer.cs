using System.Collections;
using System.Collections.Specialized;
using System.Text.Json;
using Quartz;
using Quartz.Spi;

namespace AiTradingBot.Scheduling.Quartz;

/// <summary>
/// Quartz's job-data serializer for the ADO.NET store: string maps as JSON. Report jobs keep only strings in their
/// data (<c>quartz.jobStore.useProperties</c>), so nothing type-bound (binary formatter, assembly names) reaches the
/// database and any instance version can read another's rows.
/// </summary>
public sealed class StringJobDataSerializer : IObjectSerializer
{
    /// <inheritdoc />
    public void Initialize()
    {
    }

    /// <inheritdoc />
    public byte[] Serialize<T>(T obj) where T : class
    {
        var map = new Dictionary<string, string?>(StringComparer.Ordinal);
        switch (obj)
        {
            case NameValueCollection nv:
                foreach (var key in nv.AllKeys) if (key is not null) map[key] = nv[key];
                break;
            case IDictionary dictionary:
                foreach (DictionaryEntry e in dictionary) map[(string)e.Key] = e.Value?.ToString();
                break;
            case IEnumerable<KeyValuePair<string, object>> pairs:
                foreach (var (k, v) in pairs) map[k] = v?.ToString();
                break;
            default:
                throw new NotSupportedException($"Only string maps are stored in the scheduler's job store, not {obj.GetType().Name}.");
        }
        return JsonSerializer.SerializeToUtf8Bytes(map);
    }

    /// <inheritdoc />
    public T DeSerialize<T>(byte[] data) where T : class
    {
        var map = JsonSerializer.Deserialize<Dictionary<string, string?>>(data) ?? [];
        object result;
        if (typeof(T).IsAssignableFrom(typeof(NameValueCollection)))
        {
            var nv = new NameValueCollection();
            foreach (var (k, v) in map) nv[k] = v;
            result = nv;
        }
        else if (typeof(T).IsAssignableFrom(typeof(JobDataMap)))
        {
            var jobData = new JobDataMap();
            foreach (var (k, v) in map) jobData[k] = v!;
            result = jobData;
        }
        else if (typeof(T).IsAssignableFrom(typeof(Dictionary<string, object?>)))
            result = map.ToDictionary(kv => kv.Key, kv => (object?)kv.Value, StringComparer.Ordinal);
        else
            throw new NotSupportedException($"The scheduler's job store holds only string maps, not {typeof(T).Name}.");
        return (T)result;
    }
}

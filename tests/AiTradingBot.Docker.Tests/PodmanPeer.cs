using System.Net.Http.Json;
using System.Text.Json;
using AiTradingBot.Testing;

namespace AiTradingBot.Docker.Tests;

/// <summary>
/// The real Podman API service started by scripts/servers/podman.sh, plus raw API calls the tests use to set up their
/// own containers (unique names, removed on dispose) independently of the client under test.
/// </summary>
internal sealed class PodmanPeer : IAsyncDisposable
{
    private readonly HttpClient _http;
    private readonly List<string> _created = [];

    private PodmanPeer(string endpoint, string image)
    {
        Endpoint = endpoint;
        Image = image;
        var e = DockerEndpoint.Parse(endpoint);
        _http = new HttpClient(e.CreateHandler()) { BaseAddress = e.BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
    }

    /// <summary><c>unix://…/podman.sock</c>.</summary>
    public string Endpoint { get; }

    /// <summary>The local busybox image, <c>localhost/tbot:1</c>.</summary>
    public string Image { get; }

    /// <summary>The peer, or skip/fail when scripts/servers/podman.sh has not started it.</summary>
    public static PodmanPeer Require() =>
        new(Integration.Require("ATB_TEST_DOCKER", "Podman's Docker-compatible API"),
            Integration.Require("ATB_TEST_DOCKER_IMAGE", "The busybox test image"));

    /// <summary>A client of the peer with test-friendly options.</summary>
    public DockerEngineClient Client(Action<DockerOptions>? configure = null)
    {
        var o = new DockerOptions { Endpoint = Endpoint, StatsSampleMilliseconds = 300 };
        configure?.Invoke(o);
        return new DockerEngineClient(o);
    }

    /// <summary>A fresh unique container name (tracked for clean-up).</summary>
    public string NewName(string role)
    {
        var name = $"atbt-{role}-{Guid.NewGuid():N}"[..(6 + role.Length + 12)];
        _created.Add(name);
        return name;
    }

    /// <summary>Creates (and by default starts) a container running <paramref name="script"/> under <c>/bin/sh -c</c>.</summary>
    public async Task<string> RunAsync(string role, string script, bool tty = false, bool start = true,
        IReadOnlyDictionary<string, string>? labels = null, string? name = null, CancellationToken ct = default)
    {
        name ??= NewName(role);
        if (!_created.Contains(name)) _created.Add(name);
        var body = new
        {
            Image,
            Cmd = new[] { "/bin/sh", "-c", script },
            Tty = tty,
            Labels = labels ?? new Dictionary<string, string>(),
            StopTimeout = 1,
        };
        using (var r = await _http.PostAsJsonAsync($"/v1.41/containers/create?name={name}", body, ct))
            if (!r.IsSuccessStatusCode) throw new InvalidOperationException($"create {name}: {(int)r.StatusCode} {await r.Content.ReadAsStringAsync(ct)}");
        if (start)
            using (var r = await _http.PostAsync($"/v1.41/containers/{name}/start", null, ct))
                if (!r.IsSuccessStatusCode) throw new InvalidOperationException($"start {name}: {(int)r.StatusCode} {await r.Content.ReadAsStringAsync(ct)}");
        return name;
    }

    /// <summary>The raw inspect document, for fields the port's model does not carry.</summary>
    public async Task<JsonElement> InspectRawAsync(string name, CancellationToken ct)
    {
        var text = await _http.GetStringAsync($"/v1.41/containers/{name}/json", ct);
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    /// <summary>True when a container of that name exists.</summary>
    public async Task<bool> ExistsAsync(string name, CancellationToken ct)
    {
        using var r = await _http.GetAsync($"/v1.41/containers/{name}/json", ct);
        return r.IsSuccessStatusCode;
    }

    /// <summary>Removes every container this peer created.</summary>
    public async ValueTask DisposeAsync()
    {
        await Task.WhenAll(_created.Select(async n =>
        {
            try
            {
                using var r = await _http.DeleteAsync($"/v1.41/containers/{n}?force=true&t=0");
            }
            catch (HttpRequestException)
            {
                // Best effort: the stop script removes everything left in the private store.
            }
        }));
        _http.Dispose();
    }
}

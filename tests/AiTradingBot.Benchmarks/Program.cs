using System.Reflection;
using System.Text.Json;
using AiTradingBot.Benchmarks;

// Discovers every IBenchmark in this assembly; `list` names them, a name runs one, nothing runs all that need no server.
var benchmarks = Assembly.GetExecutingAssembly().GetTypes()
    .Where(t => typeof(IBenchmark).IsAssignableFrom(t) && t is { IsAbstract: false, IsInterface: false })
    .Select(t => (IBenchmark)Activator.CreateInstance(t)!)
    .OrderBy(b => b.Name, StringComparer.Ordinal)
    .ToList();

if (args.Length > 0 && args[0] == "list")
{
    foreach (var b in benchmarks) Console.WriteLine($"{b.Name,-12} {b.Description}");
    return 0;
}

var selected = args.Length == 0 ? benchmarks.Where(b => b.Name == "core").ToList() : benchmarks.Where(b => b.Name == args[0]).ToList();
if (selected.Count == 0)
{
    Console.Error.WriteLine($"Unknown benchmark '{args.FirstOrDefault()}'. Known: {string.Join(", ", benchmarks.Select(b => b.Name))}");
    return 2;
}

var json = new JsonSerializerOptions { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.CamelCase };
foreach (var b in selected)
{
    var figures = await b.RunAsync(args.Skip(1).ToArray(), CancellationToken.None);
    Console.WriteLine(JsonSerializer.Serialize(new { benchmark = b.Name, figures }, json));
}
return 0;

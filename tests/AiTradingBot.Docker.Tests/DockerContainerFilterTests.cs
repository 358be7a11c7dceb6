using System.Text.Json;
using System.Text.RegularExpressions;
using Xunit;

namespace AiTradingBot.Docker.Tests;

public sealed class DockerContainerFilterTests
{
    [Fact]
    public void Name_filters_are_anchored_so_alpha_does_not_match_alpha_old()
    {
        var pattern = DockerContainerFilter.AnchoredNamePattern("alpha");
        Assert.Equal("^/?alpha$", pattern);
        // Docker matches the pattern against "/name"; .NET regex agrees with RE2 on this subset.
        Assert.Matches(pattern, "/alpha");
        Assert.Matches(pattern, "alpha");
        Assert.DoesNotMatch(pattern, "/alpha_old");
        Assert.DoesNotMatch(pattern, "/old_alpha");
    }

    [Fact]
    public void Regex_metacharacters_in_names_are_escaped()
    {
        var pattern = DockerContainerFilter.AnchoredNamePattern("bot.v1");
        Assert.Equal(@"^/?bot\.v1$", pattern);
        Assert.DoesNotMatch(pattern, "/botXv1");
        Assert.Equal(@"a\+b\*\(c\)\[d\]\{e\}\^\$\|\?\\", DockerContainerFilter.QuoteMeta(@"a+b*(c)[d]{e}^$|?\"));
        Assert.Equal("shortseller_trading-2", DockerContainerFilter.QuoteMeta("shortseller_trading-2"));
    }

    [Fact]
    public void Filters_map_each_key_to_its_values()
    {
        var f = new DockerContainerFilter(Names: ["alpha"], Labels: ["aitradingbot.managed=true"], Statuses: ["running"]);
        var map = f.ToFilters()!;
        Assert.Equal(["^/?alpha$"], map["name"].Keys);
        Assert.Equal(["aitradingbot.managed=true"], map["label"].Keys);
        Assert.Equal(["running"], map["status"].Keys);
    }

    [Fact]
    public void No_filters_means_no_query_value()
    {
        Assert.Null(new DockerContainerFilter().ToFilters());
        Assert.Null(new DockerContainerFilter(Names: [], Labels: []).ToFilters());
    }

    [Fact]
    public void Names_from_the_daemon_are_rechecked_exactly()
    {
        var f = new DockerContainerFilter(Names: ["alpha"]);
        Assert.True(f.MatchesName(["/alpha"]));
        Assert.True(f.MatchesName(["/other", "/alpha"]));
        Assert.False(f.MatchesName(["/alpha_old"]));
        Assert.False(f.MatchesName(["/Alpha"]));
        Assert.False(f.MatchesName(null));
        Assert.True(new DockerContainerFilter().MatchesName(["/anything"]));
    }

    [Theory]
    [InlineData("alpha")]
    [InlineData("a1b2c3d4e5f6")]
    [InlineData("bot.v1_x-2")]
    [InlineData("/alpha")]
    public void Valid_container_references_pass(string name) =>
        Assert.Equal(name.TrimStart('/'), DockerEngineClient.CheckReference(name));

    [Theory]
    [InlineData("")]
    [InlineData("..")]
    [InlineData("../images/json")]
    [InlineData("alpha?force=1")]
    [InlineData("alpha beta")]
    [InlineData("-rm")]
    public void References_that_could_escape_the_url_path_are_refused(string name)
    {
        var ex = Assert.Throws<AiTradingBot.Core.Containers.ContainerNotFoundException>(() => DockerEngineClient.CheckReference(name));
        Assert.Contains("not a valid container name", ex.Message);
    }

    [Fact]
    public void Anchored_pattern_is_a_valid_regex_for_every_valid_name()
    {
        foreach (var name in new[] { "a", "a.b", "a-b", "a_b", "A9" })
            _ = new Regex(DockerContainerFilter.AnchoredNamePattern(name));
    }
}

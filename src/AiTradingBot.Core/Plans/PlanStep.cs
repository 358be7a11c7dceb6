using AiTradingBot.Core.Catalog;

namespace AiTradingBot.Core.Plans;

/// <summary>One typed step of a plan: a catalog action and its normalized arguments.</summary>
public sealed record PlanStep(ActionArgs Args)
{
    /// <summary>The catalog entry of this step.</summary>
    public ActionDescriptor Descriptor => ActionCatalog.For(Args);

    /// <summary>Public action name, e.g. <c>system.stop</c>.</summary>
    public string Action => Descriptor.Name;

    /// <summary>Whether this step needs confirmation.</summary>
    public bool Gated => Descriptor.Gated;

    /// <summary>What running this step changes: read, write (the assistant's own state) or gated.</summary>
    public ActionEffect Effect => Descriptor.Effect;

    /// <summary>Wraps typed args in a step.</summary>
    public static implicit operator PlanStep(ActionArgs args) => new(args);
}

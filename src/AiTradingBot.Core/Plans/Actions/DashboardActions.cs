using System.ComponentModel;
using AiTradingBot.Core.Catalog;

namespace AiTradingBot.Core.Plans.Actions;

/// <summary>A single-use sign-in link to the web dashboard for the asking user.</summary>
[Action("dashboard.link", Slash = "web", ModelTool = false)]
[Description("A single-use sign-in link to the web dashboard for you, valid 5 minutes.")]
public sealed record DashboardLinkArgs : ActionArgs;

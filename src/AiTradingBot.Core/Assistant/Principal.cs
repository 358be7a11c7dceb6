namespace AiTradingBot.Core.Assistant;

/// <summary>What a user may do: nothing, read-only, or everything (gated actions after confirmation).</summary>
public enum UserRole { None, Viewer, Admin }

/// <summary>An authenticated user of a channel. Authorization is by user id, never by chat id.</summary>
public sealed record Principal(string UserId, string? UserName, UserRole Role);

/// <summary>A message from a channel.</summary>
public sealed record IncomingMessage(string Channel, string ChatId, Principal User, string Text);

/// <summary>A confirm or cancel from a channel: the confirmation id (button) or code/"yes" typed.</summary>
public sealed record ConfirmationRequest(string Channel, string ChatId, Principal User, string? ConfirmationId);

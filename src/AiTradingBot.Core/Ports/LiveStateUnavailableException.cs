namespace AiTradingBot.Core.Ports;

/// <summary>
/// The shared live-state store (<see cref="IKeyValueStore"/>) cannot be reached right now. The message is for a person:
/// it names the server and the setting to check, never a secret. Callers fail closed (nothing is confirmed or run).
/// </summary>
public class LiveStateUnavailableException(string message, Exception? inner = null) : Exception(message, inner);

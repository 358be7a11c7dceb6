using System.Text;

namespace AiTradingBot.Telegram.Rendering;

/// <summary>What an inline button asks for.</summary>
public enum CallbackAction
{
    /// <summary>Confirm a pending plan.</summary>
    Confirm,
    /// <summary>Cancel a pending plan.</summary>
    Cancel,
    /// <summary>A main-menu entry: becomes a message handled like any other.</summary>
    Menu,
}

/// <summary>
/// Inline-button payloads: <c>c:&lt;id&gt;</c> confirm, <c>x:&lt;id&gt;</c> cancel, <c>m:&lt;key&gt;</c> menu. Telegram allows
/// at most 64 bytes of callback_data; anything else is rejected when parsed.
/// </summary>
public sealed record CallbackData(CallbackAction Action, string Value)
{
    /// <summary>Telegram's limit on callback_data, in bytes.</summary>
    public const int MaxBytes = 64;

    /// <summary>Confirm button payload for a confirmation id.</summary>
    public static string Confirm(string confirmationId) => Encode('c', confirmationId);

    /// <summary>Cancel button payload for a confirmation id.</summary>
    public static string Cancel(string confirmationId) => Encode('x', confirmationId);

    /// <summary>Menu button payload for a menu key.</summary>
    public static string Menu(string key) => Encode('m', key);

    /// <summary>Parses a payload; null when it is not one of ours (or too long).</summary>
    public static CallbackData? Parse(string? data)
    {
        if (string.IsNullOrEmpty(data) || data.Length < 3 || data[1] != ':' || Encoding.UTF8.GetByteCount(data) > MaxBytes) return null;
        var value = data[2..];
        if (!value.All(IsSafe)) return null;
        return data[0] switch
        {
            'c' => new CallbackData(CallbackAction.Confirm, value),
            'x' => new CallbackData(CallbackAction.Cancel, value),
            'm' => new CallbackData(CallbackAction.Menu, value),
            _ => null,
        };
    }

    private static string Encode(char prefix, string value)
    {
        if (string.IsNullOrEmpty(value) || !value.All(IsSafe))
            throw new ArgumentException("Callback values are letters, digits, '-' and '_' only.", nameof(value));
        var data = $"{prefix}:{value}";
        if (Encoding.UTF8.GetByteCount(data) > MaxBytes)
            throw new ArgumentException($"Callback data would be {Encoding.UTF8.GetByteCount(data)} bytes; Telegram allows {MaxBytes}.", nameof(value));
        return data;
    }

    private static bool IsSafe(char c) => char.IsAsciiLetterOrDigit(c) || c is '-' or '_';
}

namespace Reminders.App.Hosting;

/// <summary>Setting Admin__Keys: keys accepted in x-functions-key (or ?code=), comma-separated.</summary>
public sealed class AdminOptions
{
    public const string Section = "Admin";

    public CommaList<string> Keys { get; set; } = new([]);

    /// <summary>The keys, without the empty ones a stray comma leaves.</summary>
    public IReadOnlyList<string> KeyList => [.. Keys.Where(key => key.Length > 0)];
}

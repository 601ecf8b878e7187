namespace Reminders.App.Hosting;

/// <summary>Setting Admin__Keys: keys accepted in x-functions-key (or ?code=), comma-separated.</summary>
public sealed class AdminOptions
{
    public string Keys { get; set; } = "";

    public IReadOnlyList<string> KeyList =>
        Keys.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}

using Microsoft.Extensions.Configuration;

namespace Reminders.App.Delivery;

/// <summary>
/// Setting Unsubscribe__Secret: the keys of the unsubscribe link signature, one or several separated by spaces
/// (as the webhook secrets). Links are signed with the first and accepted with any, so a new secret goes first and
/// the old one stays after it for as long as emails with its links may be clicked. Read and checked at start-up.
/// </summary>
public sealed class UnsubscribeSecrets
{
    public const string SettingKey = "Unsubscribe:Secret";
    public const int MinLength = 16;

    private UnsubscribeSecrets(IReadOnlyList<byte[]> keys) => Keys = keys;

    /// <summary>The keys in the setting's order: the first signs, every one verifies.</summary>
    public IReadOnlyList<byte[]> Keys { get; }

    public static UnsubscribeSecrets Read(IConfiguration configuration)
    {
        var secrets = (configuration[SettingKey] ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (secrets.Length == 0)
        {
            throw new InvalidOperationException(
                $"Invalid settings: Unsubscribe__Secret: required (one secret of at least {MinLength} characters, several separated by spaces during rotation).");
        }
        for (var i = 0; i < secrets.Length; i++)
        {
            if (secrets[i].Length < MinLength)
            {
                throw new InvalidOperationException(
                    $"Invalid settings: Unsubscribe__Secret: secret {i + 1} of {secrets.Length} must be at least {MinLength} characters.");
            }
        }
        return new UnsubscribeSecrets([.. secrets.Select(s => System.Text.Encoding.UTF8.GetBytes(s))]);
    }
}

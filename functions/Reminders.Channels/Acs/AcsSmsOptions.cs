namespace Reminders.Channels.Acs;

/// <summary>Azure Communication Services SMS. The connection string's endpoint is the base URL.</summary>
public sealed record AcsSmsOptions
{
    /// <summary>"endpoint=https://{resource}.communication.azure.com/;accesskey={base64}".</summary>
    public string ConnectionString { get; init; } = "";

    /// <summary>Sender number in E.164 (or a sender id) owned by the resource.</summary>
    public string From { get; init; } = "";

    /// <summary>Ask for a delivery report on Event Grid.</summary>
    public bool EnableDeliveryReport { get; init; } = true;

    public IEnumerable<string> Validate()
    {
        if (string.IsNullOrWhiteSpace(ConnectionString)) yield return "ACS SMS ConnectionString is required.";
        else if (!AcsOptionsValidation.IsValidConnectionString(ConnectionString)) yield return "ACS SMS ConnectionString must be \"endpoint=https://...;accesskey=<base64>\".";
        if (string.IsNullOrWhiteSpace(From)) yield return "ACS SMS From is required.";
    }
}

/// <summary>Azure Communication Services Email. The connection string's endpoint is the base URL.</summary>
public sealed record AcsEmailOptions
{
    /// <summary>"endpoint=https://{resource}.communication.azure.com/;accesskey={base64}".</summary>
    public string ConnectionString { get; init; } = "";

    /// <summary>MailFrom address of a domain connected to the resource, e.g. DoNotReply@contoso.com.</summary>
    public string SenderAddress { get; init; } = "";

    public IEnumerable<string> Validate()
    {
        if (string.IsNullOrWhiteSpace(ConnectionString)) yield return "ACS Email ConnectionString is required.";
        else if (!AcsOptionsValidation.IsValidConnectionString(ConnectionString)) yield return "ACS Email ConnectionString must be \"endpoint=https://...;accesskey=<base64>\".";
        if (string.IsNullOrWhiteSpace(SenderAddress)) yield return "ACS Email SenderAddress is required.";
    }
}

internal static class AcsOptionsValidation
{
    public static bool IsValidConnectionString(string value)
    {
        try
        {
            AcsConnectionString.Parse(value);
            return true;
        }
        catch (FormatException)
        {
            return false;
        }
    }
}

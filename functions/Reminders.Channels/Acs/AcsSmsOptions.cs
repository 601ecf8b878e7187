using System.ComponentModel.DataAnnotations;

namespace Reminders.Channels.Acs;

/// <summary>Settings Channels__Sms__Acs__*: Azure Communication Services SMS. The connection string's endpoint is the base URL.</summary>
public sealed class AcsSmsOptions
{
    public const string Section = "Channels:Sms:Acs";

    /// <summary>"endpoint=https://{resource}.communication.azure.com/;accesskey={base64}".</summary>
    [Required, AcsConnectionString]
    public string ConnectionString { get; set; } = "";

    /// <summary>Sender number in E.164 (or a sender id) owned by the resource.</summary>
    [Required]
    public string From { get; set; } = "";

    /// <summary>Ask for a delivery report on Event Grid.</summary>
    public bool EnableDeliveryReport { get; set; } = true;
}

/// <summary>Settings Channels__Email__Acs__*: Azure Communication Services Email. The connection string's endpoint is the base URL.</summary>
public sealed class AcsEmailOptions
{
    public const string Section = "Channels:Email:Acs";

    /// <summary>"endpoint=https://{resource}.communication.azure.com/;accesskey={base64}".</summary>
    [Required, AcsConnectionString]
    public string ConnectionString { get; set; } = "";

    /// <summary>MailFrom address of a domain connected to the resource, e.g. DoNotReply@contoso.com; the address of Channels__Email__From when not set.</summary>
    [Required(ErrorMessage = "required when Channels__Email__Provider is acs (or set Channels__Email__From).")]
    public string SenderAddress { get; set; } = "";
}

/// <summary>A connection string <see cref="Acs.AcsConnectionString.Parse"/> accepts.</summary>
[AttributeUsage(AttributeTargets.Property)]
internal sealed class AcsConnectionStringAttribute() : ValidationAttribute("must be \"endpoint=https://...;accesskey=<base64>\".")
{
    public override bool IsValid(object? value)
    {
        if (value is not string { Length: > 0 } text) return true; // [Required] speaks for a missing one
        try
        {
            AcsConnectionString.Parse(text);
            return true;
        }
        catch (FormatException)
        {
            return false;
        }
    }
}

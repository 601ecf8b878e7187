using System.ComponentModel.DataAnnotations;
using System.Net.Security;
using MailKit.Security;

namespace Reminders.Channels.Smtp;

/// <summary>Settings Channels__Email__Smtp__*; the sender is Channels__Email__From.</summary>
public sealed class SmtpOptions : IValidatableObject
{
    public const string Section = "Channels:Email:Smtp";

    [Required]
    public string Host { get; set; } = "";

    [Range(1, 65535)]
    public int Port { get; set; } = 25;

    /// <summary>When set, the client authenticates (the best mechanism both sides know); only ever over TLS.</summary>
    public string? User { get; set; }

    public string? Password { get; set; }

    /// <summary>Upgrade the connection with STARTTLS (port 587); the send fails if the server does not offer it.</summary>
    public bool StartTls { get; set; }

    /// <summary>TLS from the first byte (port 465).</summary>
    public bool ImplicitTls { get; set; }

    /// <summary>Longest wait for connecting (TLS and AUTH included) and again for sending one message.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The domain the client names in EHLO / HELO.</summary>
    [Required]
    public string ClientDomain { get; set; } = "localhost";

    /// <summary>Replaces the normal certificate validation (for a known self-signed server); null: normal validation.</summary>
    public RemoteCertificateValidationCallback? ServerCertificateValidation { get; set; }

    internal SecureSocketOptions Security =>
        ImplicitTls ? SecureSocketOptions.SslOnConnect : StartTls ? SecureSocketOptions.StartTls : SecureSocketOptions.None;

    internal bool HasCredentials => !string.IsNullOrEmpty(User);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (string.IsNullOrEmpty(User) != string.IsNullOrEmpty(Password)) yield return new("User and Password go together.", [nameof(User), nameof(Password)]);
        if (HasCredentials && Security == SecureSocketOptions.None)
            yield return new("User is set but neither StartTls nor ImplicitTls: credentials are never sent without TLS.", [nameof(StartTls), nameof(ImplicitTls)]);
        if (StartTls && ImplicitTls) yield return new("StartTls and ImplicitTls exclude each other.", [nameof(StartTls), nameof(ImplicitTls)]);
        if (Timeout <= TimeSpan.Zero) yield return new("must be positive.", [nameof(Timeout)]);
    }
}

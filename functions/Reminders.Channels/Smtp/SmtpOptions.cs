using System.Net.Security;

namespace Reminders.Channels.Smtp;

/// <summary>Settings Channels__Email__Smtp__* and Channels__Email__From.</summary>
public sealed class SmtpOptions
{
    public string Host { get; set; } = "";

    public int Port { get; set; } = 25;

    /// <summary>When set, the client authenticates (AUTH PLAIN or LOGIN, as the server offers); only ever over TLS.</summary>
    public string? User { get; set; }

    public string? Password { get; set; }

    /// <summary>Upgrade the connection with STARTTLS; the send fails if the server does not offer it.</summary>
    public bool StartTls { get; set; }

    /// <summary>The sender as "Name &lt;address&gt;" or a bare address.</summary>
    public string From { get; set; } = "";

    /// <summary>Longest wait for any one step: connecting, the TLS handshake, or one server reply.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The domain the client names in EHLO / HELO.</summary>
    public string ClientDomain { get; set; } = "localhost";

    /// <summary>Replaces the normal certificate validation after STARTTLS (for a known self-signed server); null: normal validation.</summary>
    public RemoteCertificateValidationCallback? ServerCertificateValidation { get; set; }

    /// <summary>What is wrong with these settings; empty when they can be used.</summary>
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        if (string.IsNullOrWhiteSpace(Host)) problems.Add("Host is required.");
        if (Port is < 1 or > 65535) problems.Add("Port must be between 1 and 65535.");
        if (!MailboxAddress.TryParse(From, out _)) problems.Add("From must be an address or \"Name <address>\".");
        if (string.IsNullOrEmpty(User) != string.IsNullOrEmpty(Password)) problems.Add("User and Password go together.");
        if (!string.IsNullOrEmpty(User) && !StartTls) problems.Add("User is set but StartTls is not: credentials are never sent without TLS.");
        if (Timeout <= TimeSpan.Zero) problems.Add("Timeout must be positive.");
        if (string.IsNullOrWhiteSpace(ClientDomain) || ClientDomain.Any(c => c <= ' ' || c > '~')) problems.Add("ClientDomain must be a domain name.");
        return problems;
    }
}

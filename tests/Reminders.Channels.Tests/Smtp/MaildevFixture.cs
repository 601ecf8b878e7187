using System.Text.Json;
using Reminders.TestSupport;

namespace Reminders.Channels.Tests.Smtp;

/// <summary>The SMTP tests' maildev (see <see cref="Maildev"/>).</summary>
public sealed class MaildevFixture : IDisposable
{
    private readonly Maildev _maildev = new();

    public int SmtpPort => _maildev.SmtpPort;

    public Uri WebUrl => _maildev.WebUrl;

    /// <summary>Polls GET /email until a message with this subject is there.</summary>
    public Task<JsonElement> WaitForEmailAsync(string subject) =>
        _maildev.WaitForEmailAsync(email => email.TryGetProperty("subject", out var s) && s.GetString() == subject);

    public void Dispose() => _maildev.Dispose();
}

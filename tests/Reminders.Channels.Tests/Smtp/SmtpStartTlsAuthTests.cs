using System.Security.Cryptography.X509Certificates;
using Reminders.Channels.Smtp;
using Reminders.TestSupport;

namespace Reminders.Channels.Tests.Smtp;

/// <summary>STARTTLS and AUTH against a scripted server with a self-signed certificate made here.</summary>
public sealed class SmtpStartTlsAuthTests : IDisposable
{
    private const string User = "mailer@shop.example";
    private const string Password = "s3cret: with spaces and ünïcode";

    private readonly X509Certificate2 _certificate = TestCertificates.CreateSelfSigned();

    [Theory]
    [InlineData("PLAIN")]
    [InlineData("LOGIN")]
    public async Task Authenticates_only_after_starttls_with_the_configured_credentials(string mechanism)
    {
        await using var server = new ScriptedSmtpServer(new ScriptedSmtpServerOptions
        {
            Certificate = _certificate,
            AuthMechanisms = [mechanism],
            OfferAuthInClear = true,
            RequireAuth = true,
            User = User,
            Password = Password,
        });

        var result = await Sender(server.Port).SendAsync(
            new EmailMessage("buyer@example.net", "Your order", "Line one\n.leading dot\n.\nlast line", "<p>Line one</p>"), Timeout());

        Assert.IsType<DeliveryResult.Sent>(result);
        var lines = server.ClientLines.ToArray();
        var beforeTls = lines.TakeWhile(l => !l.OverTls).Select(l => l.Line).ToArray();
        Assert.Equal(["EHLO localhost", "STARTTLS"], beforeTls);
        Assert.Equal(["EHLO", "AUTH", "MAIL", "RCPT", "DATA", "QUIT"], lines.Where(l => l.OverTls).Select(l => Verb(l.Line)));
        Assert.Equal(User, server.AuthenticatedUser);
        Assert.Equal(Password, server.ReceivedPassword);
        Assert.True(server.AuthenticatedOverTls);
        var data = server.DataLines.ToArray();
        Assert.Contains("..leading dot", data);
        Assert.Contains("..", data);
        Assert.DoesNotContain(".leading dot", data);
    }

    [Fact]
    public async Task Fails_permanently_without_sending_credentials_when_the_server_does_not_offer_starttls()
    {
        await using var server = new ScriptedSmtpServer(new ScriptedSmtpServerOptions
        {
            AuthMechanisms = ["PLAIN", "LOGIN"],
            OfferAuthInClear = true,
            User = User,
            Password = Password,
        });

        var result = await Sender(server.Port).SendAsync(new EmailMessage("buyer@example.net", "Your order", "text"), Timeout());

        var failure = Assert.IsType<DeliveryResult.PermanentFailure>(result);
        Assert.False(failure.ContactInvalid);
        Assert.Contains("STARTTLS", failure.Reason, StringComparison.Ordinal);
        Assert.Equal(["EHLO", "QUIT"], server.Commands);
        Assert.Null(server.AuthenticatedUser);
    }

    [Fact]
    public async Task Refuses_a_certificate_that_normal_validation_rejects_and_sends_nothing_after_it()
    {
        await using var server = new ScriptedSmtpServer(new ScriptedSmtpServerOptions
        {
            Certificate = _certificate,
            AuthMechanisms = ["PLAIN"],
            User = User,
            Password = Password,
        });
        var options = Options(server.Port);
        options.ServerCertificateValidation = null;

        var result = await new SmtpEmailSender(options, new FakeTimeProvider(), new ListLogger<SmtpEmailSender>())
            .SendAsync(new EmailMessage("buyer@example.net", "Your order", "text"), Timeout());

        var failure = Assert.IsType<DeliveryResult.PermanentFailure>(result);
        Assert.Contains("TLS", failure.Reason, StringComparison.Ordinal);
        Assert.Equal(["EHLO", "STARTTLS"], server.Commands);
        Assert.Null(server.AuthenticatedUser);
    }

    [Fact]
    public async Task Wrong_credentials_are_a_permanent_failure_that_does_not_blame_the_recipient()
    {
        await using var server = new ScriptedSmtpServer(new ScriptedSmtpServerOptions
        {
            Certificate = _certificate,
            AuthMechanisms = ["PLAIN"],
            RequireAuth = true,
            User = User,
            Password = "another password",
        });

        var result = await Sender(server.Port).SendAsync(new EmailMessage("buyer@example.net", "Your order", "text"), Timeout());

        var failure = Assert.IsType<DeliveryResult.PermanentFailure>(result);
        Assert.False(failure.ContactInvalid);
        Assert.Contains("535", failure.Reason, StringComparison.Ordinal);
        Assert.DoesNotContain("MAIL", server.Commands);
    }

    [Fact]
    public void Options_with_credentials_but_without_starttls_are_refused_at_construction()
    {
        var options = new SmtpOptions { Host = "smtp.example.com", From = "shop@example.com", User = User, Password = Password, StartTls = false };

        var error = Assert.Throws<ArgumentException>(() => new SmtpEmailSender(options, TimeProvider.System, new ListLogger<SmtpEmailSender>()));

        Assert.Contains("StartTls", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Password, error.Message, StringComparison.Ordinal);
    }

    private SmtpEmailSender Sender(int port) => new(Options(port), new FakeTimeProvider(), new ListLogger<SmtpEmailSender>());

    private SmtpOptions Options(int port)
    {
        var expected = _certificate.GetCertHashString();
        return new SmtpOptions
        {
            Host = "127.0.0.1",
            Port = port,
            From = "Shop <shop@example.com>",
            User = User,
            Password = Password,
            StartTls = true,
            ServerCertificateValidation = (_, certificate, _, _) => certificate is not null && certificate.GetCertHashString() == expected,
        };
    }

    private static string Verb(string line) => line.Split(' ', 2)[0].ToUpperInvariant();

    private static CancellationToken Timeout() => new CancellationTokenSource(TimeSpan.FromSeconds(60)).Token;

    public void Dispose() => _certificate.Dispose();
}

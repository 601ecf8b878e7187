using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Time.Testing;
using Reminders.Channels.Tests.Support;
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

        var host = Start(server.Port);

        var result = await host.Get<IEmailSender>().SendAsync(
            new EmailMessage("buyer@example.net", "Your order", "Line one\n.leading dot\n.\nlast line", "<p>Line one</p>"), SmtpHost.Timeout());
        await host.DisposeAsync(); // says QUIT on the kept connection

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

        await using var host = Start(server.Port);

        var result = await host.Get<IEmailSender>().SendAsync(new EmailMessage("buyer@example.net", "Your order", "text"), SmtpHost.Timeout());

        var failure = Assert.IsType<DeliveryResult.PermanentFailure>(result);
        Assert.False(failure.ContactInvalid);
        Assert.Contains("STARTTLS", failure.Reason, StringComparison.Ordinal);
        Assert.Equal(["EHLO"], server.Commands);
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
        await using var host = Start(server.Port, trustTestCertificate: false);

        var result = await host.Get<IEmailSender>().SendAsync(new EmailMessage("buyer@example.net", "Your order", "text"), SmtpHost.Timeout());

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

        await using var host = Start(server.Port);

        var result = await host.Get<IEmailSender>().SendAsync(new EmailMessage("buyer@example.net", "Your order", "text"), SmtpHost.Timeout());

        var failure = Assert.IsType<DeliveryResult.PermanentFailure>(result);
        Assert.False(failure.ContactInvalid);
        Assert.Contains("535", failure.Reason, StringComparison.Ordinal);
        Assert.DoesNotContain("MAIL", server.Commands);
    }

    [Fact]
    public void Settings_with_credentials_but_without_tls_are_refused_at_start_up_without_the_password()
    {
        var problems = ChannelsHost.Problems(new Dictionary<string, string?>
        {
            ["Channels__Email__Provider"] = "smtp",
            ["Channels__Email__From"] = "shop@example.com",
            ["Channels__Email__Smtp__Host"] = "smtp.example.com",
            ["Channels__Email__Smtp__User"] = User,
            ["Channels__Email__Smtp__Password"] = Password,
        });

        Assert.NotNull(problems);
        Assert.Contains("Channels__Email__Smtp__StartTls", problems, StringComparison.Ordinal);
        Assert.DoesNotContain(Password, problems, StringComparison.Ordinal);
    }

    /// <summary>STARTTLS with these credentials, trusting this test's certificate unless told otherwise.</summary>
    private ChannelsHost Start(int port, bool trustTestCertificate = true) =>
        SmtpHost.Start(port, new FakeTimeProvider(), from: "Shop <shop@example.com>",
            smtp: new Dictionary<string, string?> { ["User"] = User, ["Password"] = Password, ["StartTls"] = "true" },
            certificateValidation: trustTestCertificate ? TrustTestCertificate : null);

    private bool TrustTestCertificate(object sender, X509Certificate? certificate, X509Chain? chain, System.Net.Security.SslPolicyErrors errors) =>
        certificate is not null && certificate.GetCertHashString() == _certificate.GetCertHashString();

    private static string Verb(string line) => line.Split(' ', 2)[0].ToUpperInvariant();

    public void Dispose() => _certificate.Dispose();
}

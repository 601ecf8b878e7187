using System.Net.Sockets;
using System.Security.Authentication;
using Microsoft.Extensions.Logging;

using Reminders.Core;

namespace Reminders.Channels.Smtp;

/// <summary>
/// Sends each email over its own SMTP connection (RFC 5321), with STARTTLS and AUTH when configured.
/// The provider message id of a sent email is its Message-ID header value ("&lt;...@domain&gt;").
/// </summary>
public sealed partial class SmtpEmailSender : IEmailSender
{
    private readonly SmtpOptions _options;
    private readonly MailboxAddress _from;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger<SmtpEmailSender> _logger;

    public SmtpEmailSender(SmtpOptions options, TimeProvider timeProvider, ILogger<SmtpEmailSender> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        var problems = options.Validate();
        if (problems.Count > 0) throw new ArgumentException("SMTP settings are not usable: " + string.Join(" ", problems), nameof(options));
        MailboxAddress.TryParse(options.From, out var from);
        _options = options;
        _from = from!;
        _timeProvider = timeProvider;
        _logger = logger;
    }

    public string Provider => "smtp";

    public async Task<DeliveryResult> SendAsync(EmailMessage message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        var maskedTo = ContactMasking.MaskEmail(message.To);
        var result = await DeliverAsync(message, maskedTo, cancellationToken).ConfigureAwait(false);
        switch (result)
        {
            case DeliveryResult.Sent sent:
                LogSent(maskedTo, _options.Host, _options.Port, sent.ProviderMessageId);
                break;
            case DeliveryResult.TransientFailure transient:
                LogTransientFailure(maskedTo, _options.Host, _options.Port, transient.Reason);
                break;
            case DeliveryResult.PermanentFailure permanent:
                LogPermanentFailure(maskedTo, _options.Host, _options.Port, permanent.ContactInvalid, permanent.Reason);
                break;
        }
        return result;
    }

    private async Task<DeliveryResult> DeliverAsync(EmailMessage message, string maskedTo, CancellationToken cancellationToken)
    {
        if (MailboxAddress.NormalizeAddress(message.To.Trim(), out var to) is { } problem)
            return new DeliveryResult.PermanentFailure($"Recipient {maskedTo}: {problem.Reason}.", problem.AddressInvalid);

        var messageId = $"<{Guid.NewGuid():N}@{_from.Domain}>";
        byte[] content;
        try
        {
            content = MimeMessageWriter.Write(message, _from, to, messageId, _timeProvider.GetUtcNow());
        }
        catch (InvalidEmailException ex)
        {
            return new DeliveryResult.PermanentFailure(ex.Message, ContactInvalid: false);
        }

        string MaskRecipient(string text) =>
            text.Replace(to, maskedTo, StringComparison.OrdinalIgnoreCase).Replace(message.To, maskedTo, StringComparison.OrdinalIgnoreCase);

        using var timeout = new CancellationTokenSource(_options.Timeout, _timeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        var stage = "connect";
        try
        {
            await using var connection = await SmtpConnection.OpenAsync(_options.Host, _options.Port, linked.Token).ConfigureAwait(false);
            var session = new SmtpSession(connection, _options, timeout, linked.Token, MaskRecipient);
            try
            {
                await session.DeliverAsync(_from.Address, to, content).ConfigureAwait(false);
            }
            catch (SmtpFailureException failure)
            {
                if (!failure.ServerClosing) await session.QuitQuietlyAsync().ConfigureAwait(false);
                return failure.Result;
            }
            finally
            {
                stage = session.Stage;
            }
            await session.QuitQuietlyAsync().ConfigureAwait(false);
            return new DeliveryResult.Sent(messageId);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new DeliveryResult.TransientFailure($"{stage}: no answer from {_options.Host}:{_options.Port} within {_options.Timeout}.");
        }
        catch (AuthenticationException ex)
        {
            // A certificate that does not validate is a setting to fix, not something a retry cures.
            return new DeliveryResult.PermanentFailure($"{stage}: TLS handshake with {_options.Host} failed: {ex.Message}", ContactInvalid: false);
        }
        catch (Exception ex) when (ex is SocketException or IOException or SmtpProtocolException)
        {
            return new DeliveryResult.TransientFailure($"{stage}: {_options.Host}:{_options.Port}: {MaskRecipient(ex.Message)}");
        }
    }

    [LoggerMessage(EventId = 3101, Level = LogLevel.Information, Message = "Email to {MaskedTo} accepted by {Host}:{Port} as {MessageId}")]
    private partial void LogSent(string maskedTo, string host, int port, string messageId);

    [LoggerMessage(EventId = 3102, Level = LogLevel.Warning, Message = "Email to {MaskedTo} via {Host}:{Port} failed, to be retried: {Reason}")]
    private partial void LogTransientFailure(string maskedTo, string host, int port, string reason);

    [LoggerMessage(EventId = 3103, Level = LogLevel.Warning, Message = "Email to {MaskedTo} via {Host}:{Port} refused for good (contact invalid: {ContactInvalid}): {Reason}")]
    private partial void LogPermanentFailure(string maskedTo, string host, int port, bool contactInvalid, string reason);
}

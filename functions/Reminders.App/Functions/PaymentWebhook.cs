using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Reminders.App.Hosting;
using Reminders.App.Webhooks;
using Reminders.Core.Orders;

namespace Reminders.App.Functions;

/// <summary>POST /api/webhooks/payments: payment.succeeded, .failed, refund.requested, .completed, .failed, settlement.completed, signed per Standard Webhooks.</summary>
public sealed class PaymentWebhook(WebhookReceiver receiver)
{
    [Function(nameof(PaymentWebhook))]
    [EndpointSummary("Payment, refund and settlement events from the payment gateway")]
    [Tags("Webhooks")]
    [ProducesResponseType(StatusCodes.Status200OK)]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status400BadRequest, "application/problem+json")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status401Unauthorized, "application/problem+json")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status413PayloadTooLarge, "application/problem+json")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status415UnsupportedMediaType, "application/problem+json")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status503ServiceUnavailable, "application/problem+json")]
    public Task<IResult> Run(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/webhooks/payments")] HttpRequest request, CancellationToken cancellationToken) =>
        receiver.ReceiveAsync(request, WebhookSource.Payments, cancellationToken);
}

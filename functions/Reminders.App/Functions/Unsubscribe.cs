using System.Net;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Reminders.App.Buyers;
using Reminders.App.Delivery;
using Microsoft.Azure.Functions.Worker;
using Reminders.App.Hosting;
using Reminders.App.Reports;
using Reminders.Core.Notifications;

namespace Reminders.App.Functions;

/// <summary>
/// The signed unsubscribe link of buyer emails. GET shows a confirmation page with a button; POST (the RFC 8058
/// one-click POST with body <c>List-Unsubscribe=One-Click</c>, or the page's button) opts the buyer out of email.
/// A GET never changes anything, so link scanners cannot unsubscribe anyone.
/// </summary>
public sealed class Unsubscribe(UnsubscribeLinks links, BuyerStore buyers, OptOutAttribution optOuts)
{
    [Function(nameof(Unsubscribe))]
    [EndpointSummary("One-click unsubscribe from reminder emails (RFC 8058)")]
    [Tags("Buyers")]
    [ProducesResponseType<string>(StatusCodes.Status200OK, "text/html")]
    [ProducesProblem(StatusCodes.Status400BadRequest)]
    public async Task<Results<ContentHttpResult, ProblemHttpResult>> Run(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", "post", Route = "api/unsubscribe")] HttpRequest request, CancellationToken cancellationToken)
    {
        var token = request.Query["token"].FirstOrDefault();
        // A token of the other scope (a link sent before buyers were scoped by merchant names no merchant) is refused.
        if (links.TryReadToken(token) is not { } buyerKey || !buyers.IsKey(buyerKey))
        {
            return Problems.BadRequest("token", "is missing, malformed or not signed by this service.");
        }
        if (HttpMethods.IsGet(request.Method))
        {
            return Page("Unsubscribe from reminder emails?",
                $"<form method=\"post\" action=\"?token={WebUtility.HtmlEncode(Uri.EscapeDataString(token!))}\">" +
                "<input type=\"hidden\" name=\"List-Unsubscribe\" value=\"One-Click\">" +
                "<p>You will no longer get order reminders by email. 您将不再收到邮件提醒。</p>" +
                "<button type=\"submit\">Unsubscribe 退订</button></form>");
        }
        var profile = await buyers.SetOptOutAsync(buyerKey, Channel.Email, optedOut: true, cancellationToken);
        await optOuts.RecordAsync(profile, Channel.Email, cancellationToken);
        return Page("You are unsubscribed", "<p>You will no longer get order reminders by email. 您已退订邮件提醒。</p>");
    }

    private static ContentHttpResult Page(string title, string body) => TypedResults.Content(
        $"<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>{WebUtility.HtmlEncode(title)}</title></head>\n" +
        $"<body style=\"font-family:Arial,sans-serif\"><h1>{WebUtility.HtmlEncode(title)}</h1>{body}</body></html>\n",
        "text/html; charset=utf-8");
}

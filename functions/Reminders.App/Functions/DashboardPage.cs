using System.Security.Cryptography;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Reminders.App.Dashboard;
using Microsoft.Azure.Functions.Worker;
using Reminders.App.Hosting;

namespace Reminders.App.Functions;

/// <summary>
/// GET /dashboard: the operators' page, opened with the admin key in <c>?code=</c> (or x-functions-key). The page
/// takes the key out of the address bar and sends it to the admin APIs in the x-functions-key header.
/// </summary>
public sealed class DashboardPage
{
    [Function("Dashboard")]
    [EndpointSummary("The operators' dashboard page (HTML)")]
    [Tags("Dashboard")]
    [ProducesResponseType<string>(StatusCodes.Status200OK, "text/html")]
    public ContentHttpResult Run(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "dashboard")] HttpRequest request)
    {
        var nonce = Convert.ToBase64String(RandomNumberGenerator.GetBytes(16));
        // The page's own policy, in place of the app's default (SecurityHeaders): its script and style by nonce, its APIs.
        request.HttpContext.Response.Headers.ContentSecurityPolicy =
            $"default-src 'none'; connect-src 'self'; img-src 'self' data:; style-src 'nonce-{nonce}'; script-src 'nonce-{nonce}'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
        return TypedResults.Content(DashboardHtml.Render(nonce), "text/html; charset=utf-8");
    }
}

using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Reminders.App.Dashboard;

namespace Reminders.App.Functions;

/// <summary>GET /openapi/v1.json: the OpenAPI document of the app's HTTP functions (<see cref="ApiDocument"/>), the same under both hosts.</summary>
public sealed class OpenApiDocumentFunction(ApiDocument document)
{
    [Function("OpenApiDocument")]
    [EndpointSummary("This OpenAPI document")]
    [Tags("Documentation")]
    [ProducesResponseType<string>(StatusCodes.Status200OK, "application/json")]
    public async Task<ContentHttpResult> Run(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "openapi/v1.json")] HttpRequest request, CancellationToken cancellationToken) =>
        TypedResults.Text(await document.JsonAsync(cancellationToken), "application/json", Encoding.UTF8);
}

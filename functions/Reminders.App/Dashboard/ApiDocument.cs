using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.OpenApi;
using Functions.LocalHost;
using Microsoft.Azure.Functions.Worker;
using Reminders.Core.Webhooks;

namespace Reminders.App.Dashboard;

/// <summary>
/// The OpenAPI document at <c>GET /openapi/v1.json</c>: every HTTP function with its methods, summary, tags and
/// response codes (from the function class's attributes), the <c>x-functions-key</c> scheme on admin routes and
/// the Standard Webhooks headers on the webhook routes.
/// </summary>
public static class ApiDocument
{
    public const string DocumentName = "v1";
    public const string Route = "/openapi/{documentName}.json";
    public const string FunctionKeyScheme = "functionKey";
    public const string FunctionKeyHeader = "x-functions-key";

    public static IServiceCollection AddApiDocument(this IServiceCollection services)
    {
        return services.AddOpenApi(DocumentName, options =>
        {
            options.AddDocumentTransformer((document, _, _) =>
            {
                document.Info.Title = "Reminders";
                document.Info.Description =
                    "Order and payment webhooks (Standard Webhooks signatures), and the operators' admin API (admin key in x-functions-key).";
                document.Components ??= new OpenApiComponents();
                document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
                document.Components.SecuritySchemes[FunctionKeyScheme] = new OpenApiSecurityScheme
                {
                    Type = SecuritySchemeType.ApiKey,
                    In = ParameterLocation.Header,
                    Name = FunctionKeyHeader,
                    Description = "One of the keys in setting Admin__Keys. A browser may give it as ?code= instead.",
                };
                return Task.CompletedTask;
            });
            options.AddOperationTransformer((operation, context, _) =>
            {
                var metadata = context.Description.ActionDescriptor.EndpointMetadata;
                var function = metadata.OfType<FunctionDescriptor>().FirstOrDefault();
                var path = context.Description.RelativePath ?? "";
                operation.Summary ??= function?.Name;

                // Functions read their route values themselves, so the generator knows none of them: declare them.
                foreach (var name in RouteParameters(path))
                {
                    operation.Parameters ??= [];
                    if (operation.Parameters.Any(p => p.In == ParameterLocation.Path && p.Name == name)) continue;
                    operation.Parameters.Add(new OpenApiParameter { Name = name, In = ParameterLocation.Path, Required = true, Schema = new OpenApiSchema { Type = JsonSchemaType.String } });
                }

                var isAdmin = function?.AuthLevel is AuthorizationLevel.Function or AuthorizationLevel.Admin || path.StartsWith("admin/", StringComparison.Ordinal);
                if (isAdmin)
                {
                    operation.Security ??= [];
                    operation.Security.Add(new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(FunctionKeyScheme, context.Document)] = [] });
                    operation.Responses ??= [];
                    if (!operation.Responses.ContainsKey("401")) operation.Responses["401"] = new OpenApiResponse { Description = "No valid admin key" };
                }

                if (function?.Route?.StartsWith("api/webhooks/", StringComparison.Ordinal) == true)
                {
                    operation.Parameters ??= [];
                    operation.Parameters.Add(Header(StandardWebhook.IdHeader, "Unique id of the message; the idempotency key."));
                    operation.Parameters.Add(Header(StandardWebhook.TimestampHeader, "Unix seconds; more than 5 minutes off is refused."));
                    operation.Parameters.Add(Header(StandardWebhook.SignatureHeader,
                        "v1,<base64 HMAC-SHA256 of \"{id}.{timestamp}.{body}\">, several space-separated during key rotation."));
                    // The function reads its body raw (to check the signature first), so the generator knows no body: describe it.
                    operation.RequestBody = new OpenApiRequestBody
                    {
                        Required = true,
                        Description = "The event. Types, fields and rules are in the README (Interfaces, Webhooks).",
                        Content = new Dictionary<string, OpenApiMediaType> { ["application/json"] = new() { Schema = WebhookEnvelopeSchema() } },
                    };
                }
                return Task.CompletedTask;
            });
        });
    }

    public static IEndpointConventionBuilder MapApiDocument(this IEndpointRouteBuilder endpoints) => endpoints.MapOpenApi(Route);

    /// <summary>The names of a route template's parameters: <c>orders/{orderId}</c> gives <c>orderId</c>.</summary>
    public static IEnumerable<string> RouteParameters(string template) =>
        System.Text.RegularExpressions.Regex.Matches(template, @"\{\*{0,2}([A-Za-z0-9_]+)[^}]*\}").Select(m => m.Groups[1].Value);

    private static OpenApiSchema WebhookEnvelopeSchema() => new()
    {
        Type = JsonSchemaType.Object,
        Required = new HashSet<string> { "type", "timestamp", "data" },
        Properties = new Dictionary<string, IOpenApiSchema>
        {
            ["type"] = new OpenApiSchema { Type = JsonSchemaType.String, Description = "order.created, payment.succeeded, ..." },
            ["timestamp"] = new OpenApiSchema { Type = JsonSchemaType.String, Format = "date-time" },
            ["data"] = new OpenApiSchema { Type = JsonSchemaType.Object, Description = "orderId, merchantId, buyer, amount, payLater, ..." },
        },
    };

    private static OpenApiParameter Header(string name, string description) => new()
    {
        Name = name,
        In = ParameterLocation.Header,
        Required = true,
        Description = description,
        Schema = new OpenApiSchema { Type = JsonSchemaType.String },
    };
}


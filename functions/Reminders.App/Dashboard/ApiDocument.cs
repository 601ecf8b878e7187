using System.Text.RegularExpressions;
using Functions.LocalHost;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Patterns;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Hosting.Internal;
using Microsoft.OpenApi;
using Reminders.Core.Webhooks;

namespace Reminders.App.Dashboard;

/// <summary>
/// The OpenAPI document served at <c>GET /openapi/v1.json</c> (function OpenApiDocument) under both hosts: every
/// HTTP function with its methods, route parameters, summary, tags and answers (from its declared
/// <c>Results&lt;...&gt;</c> return type and attributes), the <c>x-functions-key</c> scheme on admin routes, the Standard
/// Webhooks headers on the webhook routes, and the host's <c>POST /admin/functions/{name}</c>.
/// <para>
/// Under the Functions host the worker maps no endpoint per function, so ASP.NET Core's generator
/// (Microsoft.AspNetCore.OpenApi) cannot find them in the app. The document is therefore generated from the
/// functions themselves: one endpoint per HTTP function, built from the same discovery as the local host
/// (<see cref="FunctionCatalog"/>) with the metadata minimal APIs would infer from the method
/// (<see cref="RequestDelegateFactory.InferMetadata"/>), given to the generator in a container of its own. Both
/// hosts thus serve the same document, built the same way.
/// </para>
/// </summary>
public sealed class ApiDocument
{
    public const string DocumentName = "v1";
    public const string FunctionKeyScheme = "functionKey";
    public const string FunctionKeyHeader = "x-functions-key";
    public const string AdminInvokeRoute = "/admin/functions/{name}";

    private readonly Lazy<Task<string>> _json = new(async () =>
        await (await BuildAsync(FunctionCatalog.Discover(typeof(ReminderApp).Assembly), CancellationToken.None))
            .SerializeAsJsonAsync(OpenApiSpecVersion.OpenApi3_1, CancellationToken.None));

    /// <summary>The document as JSON, built once (the functions do not change while the app runs).</summary>
    public Task<string> JsonAsync(CancellationToken cancellationToken) => _json.Value.WaitAsync(cancellationToken);

    /// <summary>The document of the HTTP functions in <paramref name="catalog"/>, as routed with host.json's routePrefix "".</summary>
    public static async Task<OpenApiDocument> BuildAsync(FunctionCatalog catalog, CancellationToken cancellationToken)
    {
        var services = new ServiceCollection();
        services.AddSingleton<IHostEnvironment>(new HostingEnvironment
        {
            ApplicationName = "Reminders", EnvironmentName = Environments.Production, ContentRootPath = AppContext.BaseDirectory,
        });
        services.AddSingleton<EndpointDataSource>(new DefaultEndpointDataSource(Endpoints(catalog)));
        services.AddLogging();
        services.AddRouting();
        services.AddEndpointsApiExplorer();
        services.AddOpenApi(DocumentName, options =>
        {
            options.AddDocumentTransformer((document, _, _) =>
            {
                Describe(document);
                return Task.CompletedTask;
            });
            options.AddOperationTransformer((operation, context, _) =>
            {
                var function = context.Description.ActionDescriptor.EndpointMetadata.OfType<FunctionDescriptor>().First();
                Describe(operation, function, context.Document ?? throw new InvalidOperationException("The generator gives transformers the document."));
                return Task.CompletedTask;
            });
        });
        await using var provider = services.BuildServiceProvider();
        return await provider.GetRequiredKeyedService<IOpenApiDocumentProvider>(DocumentName).GetOpenApiDocumentAsync(cancellationToken);
    }

    /// <summary>One endpoint per HTTP function with what a minimal API endpoint of the same method would carry; never routed.</summary>
    private static IEnumerable<Endpoint> Endpoints(FunctionCatalog catalog)
    {
        foreach (var function in catalog.Functions.Where(f => f.TriggerType == TriggerType.HttpTrigger))
        {
            var pattern = RoutePatternFactory.Parse("/" + (function.Route ?? function.Name).TrimStart('/'));
            var builder = new RouteEndpointBuilder(null, pattern, order: 0) { DisplayName = function.Name };
            builder.Metadata.Add(function.Method);
            builder.Metadata.Add(function);
            builder.Metadata.Add(new EndpointNameMetadata(function.Name));
            builder.Metadata.Add(new HttpMethodMetadata(function.HttpMethods?.Select(m => m.ToUpperInvariant()).ToList() ?? []));
            foreach (var attribute in function.Method.GetCustomAttributes(inherit: true)) builder.Metadata.Add(attribute);
            RequestDelegateFactory.InferMetadata(function.Method, new RequestDelegateFactoryOptions
            {
                EndpointBuilder = builder,
                RouteParameterNames = pattern.Parameters.Select(p => p.Name).ToList(),
            });
            builder.RequestDelegate = _ => throw new NotSupportedException($"Describes function {function.Name} for the OpenAPI document; the host routes the function.");
            yield return builder.Build();
        }
    }

    private static void Describe(OpenApiDocument document)
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
        document.Paths[AdminInvokeRoute] = AdminInvoke(document);
    }

    private static void Describe(OpenApiOperation operation, FunctionDescriptor function, OpenApiDocument document)
    {
        operation.Summary ??= function.Name;

        // A function may read a route value from the request rather than take it as a parameter: declare every one.
        foreach (var name in RouteParameters(function.Route ?? function.Name))
        {
            operation.Parameters ??= [];
            if (operation.Parameters.Any(p => p.In == ParameterLocation.Path && p.Name == name)) continue;
            operation.Parameters.Add(new OpenApiParameter { Name = name, In = ParameterLocation.Path, Required = true, Schema = new OpenApiSchema { Type = JsonSchemaType.String } });
        }

        if (function.AuthLevel is not AuthorizationLevel.Anonymous) RequireKey(operation, document);
        if (function.Name == nameof(Functions.GetMerchantReport)) Reports.ReportApiDocument.Describe(operation);

        if (function.Route?.StartsWith("api/webhooks/", StringComparison.Ordinal) == true)
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

        if (function.Name is nameof(Functions.PutMerchant) or nameof(Functions.DeleteMerchant))
        {
            operation.Parameters ??= [];
            operation.Parameters.Add(new OpenApiParameter
            {
                Name = "If-Match",
                In = ParameterLocation.Header,
                Description = "The ETag of the version read; the change is made only if the merchant is still at it (412 otherwise). * means any existing version.",
                Schema = new OpenApiSchema { Type = JsonSchemaType.String },
            });
        }
        if (function.Name == nameof(Functions.PutMerchant))
        {
            // The function reads its body raw (to name each bad field): describe it.
            operation.RequestBody = new OpenApiRequestBody
            {
                Required = true,
                Description = "The whole merchant; every field optional. Rules and the policy fields are in the README (Merchants).",
                Content = new Dictionary<string, OpenApiMediaType> { ["application/json"] = new() { Schema = MerchantSchema() } },
            };
        }
    }

    private static void RequireKey(OpenApiOperation operation, OpenApiDocument document)
    {
        operation.Security ??= [];
        operation.Security.Add(new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(FunctionKeyScheme, document)] = [] });
        operation.Responses ??= [];
        if (!operation.Responses.ContainsKey("401")) operation.Responses["401"] = new OpenApiResponse { Description = "No valid admin key" };
    }

    /// <summary>The host's admin API (served by the Functions host and the local host alike, not by a function of the app).</summary>
    private static OpenApiPathItem AdminInvoke(OpenApiDocument document)
    {
        var operation = new OpenApiOperation
        {
            Summary = "Run a timer function now (the host's admin API)",
            Tags = new HashSet<OpenApiTagReference> { new("Admin", document) },
            Parameters = [new OpenApiParameter { Name = "name", In = ParameterLocation.Path, Required = true, Schema = new OpenApiSchema { Type = JsonSchemaType.String } }],
            RequestBody = new OpenApiRequestBody
            {
                Description = "Optional; the input is ignored for timer functions.",
                Content = new Dictionary<string, OpenApiMediaType>
                {
                    ["application/json"] = new()
                    {
                        Schema = new OpenApiSchema { Type = JsonSchemaType.Object, Properties = new Dictionary<string, IOpenApiSchema> { ["input"] = new OpenApiSchema { Type = JsonSchemaType.String } } },
                    },
                },
            },
            Responses = new OpenApiResponses
            {
                ["202"] = new OpenApiResponse { Description = "The function was started" },
                ["404"] = new OpenApiResponse { Description = "No timer function has that name" },
            },
        };
        RequireKey(operation, document);
        return new OpenApiPathItem { Operations = new Dictionary<HttpMethod, OpenApiOperation> { [HttpMethod.Post] = operation } };
    }

    /// <summary>The names of a route template's parameters: <c>orders/{orderId}</c> gives <c>orderId</c>.</summary>
    public static IEnumerable<string> RouteParameters(string template) =>
        Regex.Matches(template, @"\{\*{0,2}([A-Za-z0-9_]+)[^}]*\}").Select(m => m.Groups[1].Value);

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

    private static OpenApiSchema MerchantSchema()
    {
        static OpenApiSchema Text(string description) => new() { Type = JsonSchemaType.String | JsonSchemaType.Null, Description = description };
        static OpenApiSchema List(string description) => new() { Type = JsonSchemaType.Array | JsonSchemaType.Null, Items = new OpenApiSchema { Type = JsonSchemaType.String }, Description = description };
        return new OpenApiSchema
        {
            Type = JsonSchemaType.Object,
            Properties = new Dictionary<string, IOpenApiSchema>
            {
                ["name"] = Text("How messages name the merchant."),
                ["locale"] = Text("Fallback locale of its buyers, and its alerts' locale (zh-CN, en)."),
                ["timeZone"] = Text("IANA zone for its buyers without one."),
                ["alertEmail"] = Text("Merchant alerts by email."),
                ["alertWebhook"] = new OpenApiSchema
                {
                    Type = JsonSchemaType.Object | JsonSchemaType.Null,
                    Properties = new Dictionary<string, IOpenApiSchema>
                    {
                        ["url"] = Text("https, not a loopback, link-local or private address."),
                        ["secrets"] = List("1 to 5 whsec_ secrets, or hints (…abcd) of stored ones to keep; the first signs."),
                    },
                },
                ["linkTemplate"] = Text("Order page for buyers: https://.../{orderId}."),
                ["policy"] = new OpenApiSchema
                {
                    Type = JsonSchemaType.Object | JsonSchemaType.Null,
                    Description = "Overrides the global Reminders__* settings field by field; a field left out inherits.",
                    Properties = new Dictionary<string, IOpenApiSchema>
                    {
                        ["kinds"] = List("Reminder kinds planned at all (payment_due, confirm_receipt, ...)."),
                        ["paymentDueSteps"] = List("TimeSpans after order.created."),
                        ["paymentDueWindow"] = Text("TimeSpan; its end is the payment deadline."),
                        ["confirmReceiptSteps"] = List("TimeSpans after order.delivered."),
                        ["confirmReceiptAutoConfirmAfter"] = Text("TimeSpan after order.delivered."),
                        ["payLaterSteps"] = List("TimeSpans relative to payLater.dueAt, negative before it."),
                        ["settlementWindow"] = Text("TimeSpan after payment.succeeded."),
                        ["refundWindow"] = Text("TimeSpan after refund.requested."),
                        ["minInterval"] = Text("TimeSpan between two reminders of one order."),
                        ["buyerDailyCap"] = new OpenApiSchema { Type = JsonSchemaType.Integer | JsonSchemaType.Null, Description = "Reminders per buyer per rolling 24 h." },
                        ["quietHoursStart"] = Text("HH:mm, buyer-local."),
                        ["quietHoursEnd"] = Text("HH:mm, buyer-local; equal to the start turns quiet hours off."),
                        ["channels"] = List("Channel order: push, sms, email."),
                    },
                },
            },
        };
    }

    private static OpenApiParameter Header(string name, string description) => new()
    {
        Name = name,
        In = ParameterLocation.Header,
        Required = true,
        Description = description,
        Schema = new OpenApiSchema { Type = JsonSchemaType.String },
    };
}

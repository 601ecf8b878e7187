using Microsoft.OpenApi;

namespace Reminders.App.Reports;

/// <summary>What the OpenAPI generator cannot see of GET /api/merchants/{merchantId}/report: the query it reads from the request.</summary>
public static class ReportApiDocument
{
    public static void Describe(OpenApiOperation operation)
    {
        operation.Description =
            "Per day in the merchant's zone, reminder kind, step and channel: reminders sent, held back (cap, quiet hours, opt-out, " +
            "already paid), orders paid or confirmed after a reminder (credited to the last one sent within Reports__AttributionWindow), " +
            "the amounts so recovered per currency as exact decimal strings, the median seconds from reminder to payment, and opt-outs " +
            "after a reminder. Accept: text/csv or format=csv gives the same lines as CSV.";
        operation.Parameters ??= [];
        operation.Parameters.Add(Query("from", true, "date", "First day, yyyy-MM-dd, in the merchant's zone."));
        operation.Parameters.Add(Query("to", true, "date", $"Last day (included), yyyy-MM-dd; at most {RecoveryReport.MaxDays} days from 'from'."));
        operation.Parameters.Add(Query("format", false, null, "json (the default) or csv."));
        // The generator takes the 200 from Ok<MerchantReport>; the CSV form of the same answer is added here.
        if (operation.Responses?.GetValueOrDefault("200") is OpenApiResponse { Content: { } content })
        {
            content[Functions.GetMerchantReport.CsvMediaType] = new OpenApiMediaType { Schema = new OpenApiSchema { Type = JsonSchemaType.String } };
        }
    }

    private static OpenApiParameter Query(string name, bool required, string? format, string description) => new()
    {
        Name = name,
        In = ParameterLocation.Query,
        Required = required,
        Description = description,
        Schema = new OpenApiSchema { Type = JsonSchemaType.String, Format = format },
    };
}

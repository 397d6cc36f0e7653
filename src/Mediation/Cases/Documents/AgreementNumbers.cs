using Marten;
using Weasel.Core;

namespace Mediation.Cases.Documents;

/// <summary>
/// The number an agreement's document carries, <c>（2026）城关街道人调字第3号</c>: counted per committee (the node
/// handling the case when the document is first generated) and year (of the agreement's effect, or of its
/// recording while it is not yet in effect, in China Standard Time). Given on first generation and kept in
/// <c>agreement_numbers</c>, so every later generation of the same agreement carries the same number.
/// </summary>
public static class AgreementNumbers
{
    public const string TableName = "agreement_numbers";

    static readonly NumbersPerUnit Series = new(TableName);

    public sealed record Number(string NodeCode, int Year, int Value)
    {
        /// <summary>The customary form: the year in full-width brackets, the committee's name, 人调字, and the number.</summary>
        public string Text(string committeeName) => $"（{Year}）{committeeName}人调字第{Value}号";
    }

    /// <summary>The table, created and migrated with the rest of the schema.</summary>
    public static ISchemaObject SchemaObject(string schema) => Series.SchemaObject(schema);

    /// <summary>The case's agreement number, given now (the next of its committee and year) if it has none yet.</summary>
    public static async Task<Number> ForAsync(IDocumentStore store, Guid caseId, string nodeCode, DateTimeOffset at, CancellationToken cancellation)
    {
        var number = await Series.ForAsync(store, caseId, nodeCode, at, cancellation);
        return new Number(number.NodeCode, number.Year, number.Value);
    }
}

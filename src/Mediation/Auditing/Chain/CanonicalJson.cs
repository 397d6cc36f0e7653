using System.Globalization;
using System.Text.Json;

namespace Mediation.Auditing.Chain;

/// <summary>
/// One byte sequence for one JSON value, however it was written: PostgreSQL's jsonb hands back a
/// document with its keys reordered, its spacing changed and its numbers reformatted (1.50, 1e2), so
/// the chain hashes neither the text the service serialized nor the text PostgreSQL returns, but this
/// form of both: object members sorted by name (ordinal), strings escaped by one fixed encoder, numbers
/// as the shortest decimal of their value, no whitespace.
/// </summary>
public static class CanonicalJson
{
    public static byte[] Of(string json)
    {
        using var document = JsonDocument.Parse(json);
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(json.Length + 16);
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = false, SkipValidation = true }))
            Write(writer, document.RootElement);
        return buffer.WrittenSpan.ToArray();
    }

    static void Write(Utf8JsonWriter writer, JsonElement element)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                writer.WriteStartObject();
                foreach (var property in element.EnumerateObject().OrderBy(p => p.Name, StringComparer.Ordinal))
                {
                    writer.WritePropertyName(property.Name);
                    Write(writer, property.Value);
                }
                writer.WriteEndObject();
                break;
            case JsonValueKind.Array:
                writer.WriteStartArray();
                foreach (var item in element.EnumerateArray()) Write(writer, item);
                writer.WriteEndArray();
                break;
            case JsonValueKind.String:
                writer.WriteStringValue(element.GetString());
                break;
            case JsonValueKind.Number:
                writer.WriteRawValue(Number(element.GetRawText()), skipInputValidation: true);
                break;
            case JsonValueKind.True:
            case JsonValueKind.False:
                writer.WriteBooleanValue(element.GetBoolean());
                break;
            default:
                writer.WriteNullValue();
                break;
        }
    }

    /// <summary>1.50, 1.5 and 15e-1 are one number: written 1.5.</summary>
    static string Number(string raw)
    {
        if (decimal.TryParse(raw, NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
        {
            var text = value.ToString(CultureInfo.InvariantCulture);
            if (text.Contains('.')) text = text.TrimEnd('0').TrimEnd('.');
            return text == "-0" ? "0" : text;
        }
        return double.Parse(raw, NumberStyles.Float, CultureInfo.InvariantCulture).ToString("R", CultureInfo.InvariantCulture);
    }
}

namespace Mediation.Cases.Documents;

/// <summary>How a paragraph of a document is set: the title, the number under it, a heading, body text, or a line set right.</summary>
public enum Paragraph { Title, Number, Heading, Body, Right }

using System.Collections.ObjectModel;
using System.ComponentModel;
using System.Globalization;

namespace Reminders.App.Hosting;

/// <summary>
/// A comma-separated setting (<c>00:30:00,06:00:00</c>, <c>push,sms,email</c>): the configuration binder reads it
/// through <see cref="CommaListConverter"/>, each item with the item type's own converter. An empty value is an
/// empty list.
/// </summary>
[TypeConverter(typeof(CommaListConverter))]
public sealed class CommaList<T>(IEnumerable<T> items) : ReadOnlyCollection<T>(items.ToList());

/// <summary>Converts a comma-separated string to a <see cref="CommaList{T}"/>; a bad item fails the whole value.</summary>
public sealed class CommaListConverter(Type listType) : TypeConverter
{
    private readonly Type _itemType = listType.GetGenericArguments()[0];

    public override bool CanConvertFrom(ITypeDescriptorContext? context, Type sourceType) => sourceType == typeof(string);

    public override object ConvertFrom(ITypeDescriptorContext? context, CultureInfo? culture, object value)
    {
        var itemConverter = TypeDescriptor.GetConverter(_itemType);
        var texts = ((string)value).Split(',', StringSplitOptions.TrimEntries);
        if (texts is [""]) texts = [];
        var items = Array.CreateInstance(_itemType, texts.Length);
        for (var i = 0; i < texts.Length; i++) items.SetValue(itemConverter.ConvertFromInvariantString(texts[i]), i);
        return Activator.CreateInstance(listType, items)!;
    }
}

"""``ChoiceSet``: status and type values with labels and colours, in one place.

A subclass lists ``CHOICES`` as ``(value, label, colour)`` triples. Values are
lowercase strings so they read well in URLs, the API and the database.
"""


class ChoiceSetMeta(type):
    def __new__(mcs, name, bases, attrs):
        cls = super().__new__(mcs, name, bases, attrs)
        triples = attrs.get("CHOICES", ())
        cls._labels = {value: label for value, label, _ in triples}
        cls._colours = {value: colour for value, _, colour in triples}
        for value, _, _ in triples:
            setattr(cls, value.upper(), value)
        return cls

    def __iter__(cls):
        return iter(cls._labels.items())

    def __contains__(cls, value):
        return value in cls._labels


class ChoiceSet(metaclass=ChoiceSetMeta):
    CHOICES: tuple[tuple[str, str, str], ...] = ()

    @classmethod
    def choices(cls):
        """Django ``choices=`` argument."""
        return list(cls._labels.items())

    @classmethod
    def values(cls):
        return list(cls._labels)

    @classmethod
    def label(cls, value):
        return cls._labels.get(value, value)

    @classmethod
    def colour(cls, value):
        return cls._colours.get(value, "grey")

    @classmethod
    def max_length(cls):
        return max((len(v) for v in cls._labels), default=1)

"""Django's JSON serialiser without its one loss: times keep their microseconds.

DjangoJSONEncoder cuts datetimes and times to the millisecond (as JavaScript reads them); a backup
must give back exactly what it read. Registered as the « pvdjson » format by pvd.core.backup.
"""

import datetime

from django.core.serializers import json
from django.core.serializers.json import DjangoJSONEncoder


class ExactEncoder(DjangoJSONEncoder):
    def default(self, o):
        if isinstance(o, datetime.datetime | datetime.time):
            return o.isoformat()
        return super().default(o)


class Serializer(json.Serializer):
    def _init_options(self):
        super()._init_options()
        self.json_kwargs["cls"] = ExactEncoder


Deserializer = json.Deserializer

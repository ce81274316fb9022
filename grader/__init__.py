"""The package behind the `course` command.

One start-up cost is avoided here, for every command: jsonschema (imported by nbformat,
hence by nbgrader and nbconvert) imports ``rfc3987_syntax`` when it is installed, and that
module compiles a full RFC 3987 grammar at import, about 1.5 s on our machines. It only
serves jsonschema's optional ``iri``/``iri-reference`` format checks, which no notebook
or nbgrader schema uses; marking it absent makes jsonschema skip those two checks.
"""

import sys

sys.modules.setdefault("rfc3987_syntax", None)  # type: ignore[arg-type]

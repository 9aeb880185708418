META
key;value
budget;1.1234567
vote_type;approval
PROJECTS
project_id;cost

META
key;value
budget;100000
vote_type;approval
PROJECTS
project_id;name;cost
1;Project 1;5000
2;Project 2;10000
3;Project 3;85000
VOTES
voter_id;vote
1;1,2
2;1
3;3
4;1,2,3
